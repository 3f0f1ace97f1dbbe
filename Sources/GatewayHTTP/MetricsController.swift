import GatewayCore
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// `GET /metrics`: the request metrics of ``MetricsMiddleware`` and, read from the store at most every few seconds
/// (``StoreGaugeCache``), containers by state, live previews, pending work and the outbox's backlog, and the work this
/// replica applied, in the Prometheus text format.
struct MetricsController<Context: RequestContext> {
    /// The application's registry, which ``MetricsMiddleware`` records into.
    let registry: PrometheusCollectorRegistry
    let cache: StoreGaugeCache
    /// Chat turns this replica finished, by outcome (`applied`, `failed`).
    let appliedTurns: @Sendable () -> [String: Int]
    /// Coolify's latest `high_disk_usage` report of each server this replica applied.
    let diskReports: @Sendable () -> [HostDiskReports.Entry]
    /// The server list as last read.
    let servers: ServerFleet

    func addRoutes(to router: Router<Context>) {
        router.get("metrics") { _, context in try await self.scrape(context: context) }
        router.methodNotAllowed("metrics", allowed: [.get])
    }

    // MARK: Scrape

    func scrape(context: Context) async throws -> Response {
        var bytes = self.registry.emitToBuffer()
        self.workCounters().emit(into: &bytes)
        if let gauges = await self.storeGauges(context: context) {
            gauges.emit(into: &bytes)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// The work this replica applied since it started, by kind and outcome, and the disk reports it applied.
    func workCounters() -> PrometheusCollectorRegistry {
        let counters = PrometheusCollectorRegistry()
        let applied = MetricNameDescriptor(
            namespace: "vibn", metricName: "work_applied", unitName: "total",
            helpText: "Work this replica applied since it started, by kind and outcome."
        )
        for outcome in ["applied", "failed"] {
            counters.makeCounter(descriptor: applied, labels: [("kind", "chat_turn"), ("outcome", outcome)])
                .increment(by: Int64(self.appliedTurns()[outcome] ?? 0))
        }
        let reports = self.diskReports()
        if !reports.isEmpty {
            let usage = MetricNameDescriptor(
                namespace: "vibn", metricName: "host_disk_usage", unitName: "percent",
                helpText: "The disk usage of each Coolify server in its latest high_disk_usage report to this replica."
            )
            let received = MetricNameDescriptor(
                namespace: "vibn", metricName: "host_disk_high_reports", unitName: "total",
                helpText: "Coolify high_disk_usage reports this replica applied since it started, by server."
            )
            for entry in reports {
                if let percent = entry.report.diskUsage {
                    counters.makeGauge(descriptor: usage, labels: [("server", entry.server)]).set(Double(percent))
                }
                counters.makeCounter(descriptor: received, labels: [("server", entry.server)]).increment(by: Int64(entry.count))
            }
        }
        return counters
    }

    /// A registry of this scrape's store gauges, so none outlives the read; nil when the store does not answer.
    func storeGauges(context: Context) async -> PrometheusCollectorRegistry? {
        do {
            let read = try await self.cache.gauges()
            let gauges = PrometheusCollectorRegistry()
            let byState = MetricNameDescriptor(
                namespace: "vibn", metricName: "containers", unitName: "", helpText: "Dev containers in the store, by state."
            )
            for state in ContainerState.allCases {
                gauges.makeGauge(descriptor: byState, labels: [("state", state.rawValue)])
                    .set(Double(read.containers[state] ?? 0))
            }
            let previews = MetricNameDescriptor(
                namespace: "vibn", metricName: "live_previews", unitName: "", helpText: "Live previews: running dev servers on running containers, routed by Traefik."
            )
            gauges.makeGauge(descriptor: previews).set(Double(read.livePreviews))
            let pending = MetricNameDescriptor(
                namespace: "vibn", metricName: "work_pending", unitName: "",
                helpText: "Work claimed and not yet applied, by every replica, by kind."
            )
            for (kind, count) in [("chat_turn", read.pendingTurns), ("webhook", read.pendingWebhooks), ("dev_server", read.pendingRelaunches)] {
                gauges.makeGauge(descriptor: pending, labels: [("kind", kind)]).set(Double(count))
            }
            let outbox = MetricNameDescriptor(
                namespace: "vibn", metricName: "outbox_pending", unitName: "", helpText: "Outbound events not yet delivered."
            )
            gauges.makeGauge(descriptor: outbox).set(Double(read.outboxPending))
            self.serverGauges(read.activePerServer, into: gauges)
            return gauges
        } catch {
            context.logger.warning("metrics left out the store gauges", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Per listed server (and any other a row is on): its active containers, its capacity and whether it drains.
    func serverGauges(_ active: [ServerName: Int], into gauges: PrometheusCollectorRegistry) {
        let listed = self.servers.current
        let containers = MetricNameDescriptor(
            namespace: "vibn", metricName: "server_containers", unitName: "",
            helpText: "Dev containers provisioning or running on each server (what placement counts against its capacity)."
        )
        let capacity = MetricNameDescriptor(
            namespace: "vibn", metricName: "server_capacity", unitName: "", helpText: "Each listed server's capacity (absent: unlimited)."
        )
        let draining = MetricNameDescriptor(
            namespace: "vibn", metricName: "server_draining", unitName: "", helpText: "1 when a listed server takes no new container."
        )
        let names = listed.map(\.name) + active.keys.filter { name in !listed.contains { $0.name == name } }.sorted { $0.rawValue < $1.rawValue }
        for name in names {
            gauges.makeGauge(descriptor: containers, labels: [("server", name.rawValue)]).set(Double(active[name, default: 0]))
        }
        for slot in listed {
            if let limit = slot.capacity { gauges.makeGauge(descriptor: capacity, labels: [("server", slot.name.rawValue)]).set(Double(limit)) }
            gauges.makeGauge(descriptor: draining, labels: [("server", slot.name.rawValue)]).set(slot.draining ? 1.0 : 0.0)
        }
    }
}
