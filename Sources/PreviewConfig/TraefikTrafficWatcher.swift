import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import Logging
import ServiceLifecycle
import URLSessionSupport

/// Preview traffic counts as activity: every ``interval`` the gateway reads Traefik's per-router request counters
/// (`traefik_router_requests_total`, with `metrics.prometheus.addRoutersLabels`) and records activity for the
/// projects whose preview routers served requests since the last read, so a preview someone is testing while the
/// agent is idle is not suspended. The first read only takes the counters in; a counter that went down (Traefik
/// restarted) counts from zero.
public actor TraefikTrafficWatcher: Service {
    let metricsURL: URL
    let store: any GatewayStore
    let clock: any WallClock
    let interval: Duration
    let session: URLSession
    let logger: Logger
    private var counts: [String: Double]?

    /// - Parameter metricsURL: Traefik's Prometheus endpoint (`TRAEFIK_METRICS_URL`).
    public init(metricsURL: URL, store: any GatewayStore, clock: any WallClock = SystemClock(), interval: Duration = .seconds(60), logger: Logger) {
        self.metricsURL = metricsURL
        self.store = store
        self.clock = clock
        self.interval = interval
        self.session = URLSession(configuration: .ephemeral)
        self.logger = logger
    }

    /// Reads the counters every ``interval`` until graceful shutdown.
    public func run() async {
        await runPeriodically(every: self.interval) { _ in
            do {
                try await self.readOnce()
            } catch {
                self.logger.warning("reading Traefik's router metrics failed", metadata: ["error": "\(error)", "traefik.metrics": "\(self.metricsURL)"])
            }
        }
    }

    /// Reads the counters once and records activity for the projects whose preview routers served requests.
    /// - Returns: The projects whose activity was recorded.
    @discardableResult
    public func readOnce() async throws -> [ProjectID] {
        var request = URLRequest(url: self.metricsURL, timeoutInterval: 10)
        request.setValue("text/plain", forHTTPHeaderField: "Accept")
        let (data, response) = try await self.session.response(to: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw TraefikMetricsError(status: status) }
        let current = Self.routerRequests(in: String(decoding: data, as: UTF8.self))
        defer { self.counts = current }
        guard let previous = self.counts else { return [] }
        var tokens = Set<PreviewToken>()
        for (router, count) in current where count > (previous[router].map { count >= $0 ? $0 : 0 } ?? 0) {
            if let token = PreviewHostLabel.parse(Substring(router))?.token { tokens.insert(token) }
        }
        var touched: [ProjectID] = []
        let now = self.clock.now
        for token in tokens {
            guard let record = try await self.store.container(previewToken: token), record.state == .running else { continue }
            if try await self.store.touchContainer(record.projectID, workspace: record.workspace, at: now) != nil {
                touched.append(record.projectID)
            }
        }
        return touched
    }

    /// The request count of each router in a Prometheus text document, summed over its other labels, by router name
    /// without its `@provider` suffix.
    static func routerRequests(in text: String) -> [String: Double] {
        var counts: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("traefik_router_requests_total{") {
            guard let routerStart = line.range(of: "router=\""),
                  let routerEnd = line[routerStart.upperBound...].firstIndex(of: "\""),
                  let labelsEnd = line.lastIndex(of: "}"),
                  let value = Double(line[line.index(after: labelsEnd)...].trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
            else { continue }
            let router = line[routerStart.upperBound..<routerEnd]
            let name = router.split(separator: "@", maxSplits: 1).first.map(String.init) ?? String(router)
            counts[name, default: 0] += value
        }
        return counts
    }
}

/// Traefik's metrics endpoint answered something other than 200 (is `metrics.prometheus` on?).
struct TraefikMetricsError: Error, CustomStringConvertible {
    let status: Int
    var description: String { "Traefik's metrics endpoint answered HTTP \(self.status); is metrics.prometheus enabled?" }
}
