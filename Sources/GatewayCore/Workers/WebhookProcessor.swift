import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Applies Coolify webhook deliveries, each once, with the store as their queue: a delivery the route accepted stays
/// pending until it is applied, so none is lost when the gateway stops; replays (the same body within
/// ``replayWindow``) are not recorded at all. One replica applies at a time (the store's webhooks lock), whenever a
/// delivery arrives and every ``scanInterval``.
public struct WebhookProcessor: Service {
    /// Applies what a delivery reports to the container rows.
    public let lifecycle: ContainerLifecycle
    /// Paused while Coolify reports the server unreachable; runs a pass when it is back.
    public let reconciler: Reconciler
    /// The configured Coolify server; server events about other servers are ignored. Nil: every server is ours.
    public let serverUUID: String?
    /// Ends the ship a deployment webhook is about; nil: none are.
    let ships: ShipWatcher?
    public let replayWindow: Duration
    /// How often pending deliveries (left by a stopped replica, or accepted by another) are looked for.
    public let scanInterval: Duration
    /// Coolify's latest `high_disk_usage` report of each server, as this replica applied them (for `/metrics`).
    public let diskReports = HostDiskReports()
    let logger: Logger
    let doorbell = Doorbell()

    public init(
        lifecycle: ContainerLifecycle, reconciler: Reconciler, serverUUID: String?, ships: ShipWatcher? = nil,
        replayWindow: Duration = .seconds(24 * 3600), scanInterval: Duration = .seconds(5), logger: Logger
    ) {
        self.lifecycle = lifecycle
        self.reconciler = reconciler
        self.serverUUID = serverUUID
        self.ships = ships
        self.replayWindow = replayWindow
        self.scanInterval = scanInterval
        self.logger = logger
    }

    /// Records `delivery` as pending, unless it is a replay, and asks for it to be applied soon.
    /// - Returns: false for a replay.
    @discardableResult
    public func accept(_ delivery: WebhookDelivery) async throws -> Bool {
        guard try await self.lifecycle.store.claimDelivery(delivery, ttl: Self.replayWindow(of: delivery.event, default: self.replayWindow)) else {
            self.logger.info("dropped a replayed Coolify webhook", metadata: delivery.logMetadata)
            return false
        }
        self.doorbell.ring()
        return true
    }

    /// How long an identical body counts as a replay: a server's events legitimately repeat byte for byte (the same
    /// server becoming unreachable again, the same disk usage reported again), so for them only a minute; every other
    /// event `fallback`.
    static func replayWindow(of event: CoolifyEvent, default fallback: Duration) -> Duration {
        switch event {
        case .serverUnreachable, .serverReachable, .highDiskUsage: min(fallback, .seconds(60))
        default: fallback
        }
    }

    /// Applies the pending deliveries on every arrival and every ``scanInterval`` until graceful shutdown.
    public func run() async {
        await runPeriodically(every: self.scanInterval, doorbell: self.doorbell) { _ in await self.applyPending() }
    }

    /// Accepts `delivery` and applies what is pending now (tests and callers that want the effect at once).
    public func process(_ delivery: WebhookDelivery) async {
        do {
            guard try await self.accept(delivery) else { return }
        } catch {
            self.logger.error("recording a Coolify webhook failed", metadata: delivery.logMetadata.merging(["error": "\(error)"]) { $1 })
            return
        }
        await self.applyPending()
    }

    /// One pass under the webhooks lock: every pending delivery, oldest first, applied and finished. A delivery whose
    /// effect fails is logged and finished (the reconciler catches up with what it missed); when the store fails, the
    /// pass stops and the rest stay pending.
    func applyPending() async {
        do {
            _ = try await self.lifecycle.store.withLeaderLock(.webhooks) {
                var batch: [WebhookDelivery]
                repeat {
                    batch = try await self.lifecycle.store.pendingDeliveries(limit: 100)
                    for delivery in batch { try await self.applyAndFinish(delivery) }
                } while batch.count == 100
            }
        } catch {
            self.logger.error("applying the pending Coolify webhooks failed", metadata: ["error": "\(error)"])
        }
    }

    /// Applies one pending delivery and finishes it; a failed effect is logged, a store failure thrown (it stays pending).
    func applyAndFinish(_ delivery: WebhookDelivery) async throws {
        do {
            try await self.apply(delivery.event, at: delivery.receivedAt)
        } catch let error as GatewayError where error.code == .storeUnavailable {
            throw error
        } catch {
            self.logger.error("applying a Coolify webhook failed", metadata: delivery.logMetadata.merging(["error": "\(error)"]) { $1 })
        }
        try await self.lifecycle.store.finishDelivery(digest: delivery.digest, at: self.lifecycle.clock.now)
    }

    func apply(_ event: CoolifyEvent, at now: Date) async throws {
        switch event {
        case .containerStopped(let container, _), .containerRestarted(let container, _):
            // Never believed as such (Coolify sends neither for services today): the row follows what Coolify's status
            // says, and a stop only when `docker ps` confirms it.
            guard let record = try await self.record(ofContainer: container) else { return }
            try await self.lifecycle.refresh(record)
        case .serverUnreachable(let server):
            guard self.isOurs(server) else { return }
            // With a list of servers, only that server's containers are paused and marked.
            let scope = self.listedServer(server)
            await self.reconciler.reachability.set(false, server: scope)
            for record in try await self.lifecycle.store.containers(in: [.provisioning, .running]) where scope.map({ record.server == $0 }) ?? true {
                try await self.lifecycle.noteStatus("server:unreachable", for: record.projectID)
            }
        case .serverReachable(let server):
            guard self.isOurs(server) else { return }
            await self.reconciler.reachability.set(true, server: self.listedServer(server))
            await self.reconciler.reconcileOnce(includeRunning: true)
        case .highDiskUsage(let report):
            guard self.isOurs(report.serverUUID) else { return }
            self.logger.warning("Coolify reports the server's disk fuller than its threshold", metadata: [
                "server.uuid": "\(report.serverUUID ?? "-")", "server.name": "\(report.serverName ?? "-")",
                "disk.usage_percent": "\(report.diskUsage.map(String.init) ?? "-")",
                "disk.threshold_percent": "\(report.threshold.map(String.init) ?? "-")",
            ])
            self.diskReports.record(report)
            try await self.lifecycle.changes.reportHostDiskHigh(report)
        case .deployment(let application, let deployment, let succeeded):
            try await self.lifecycle.store.recordDeployment(
                CoolifyDeployment(applicationUUID: application, deploymentUUID: deployment, succeeded: succeeded, receivedAt: now)
            )
            try await self.ships?.deploymentEnded(application: application, deployment: deployment, succeeded: succeeded)
        case .other(let name):
            self.logger.info("ignored a Coolify webhook", metadata: ["coolify.event": "\(name ?? "unparsable")"])
        }
    }

    /// The row of a dev container named by Coolify, or nil (logged) for containers that are not ours.
    func record(ofContainer name: String) async throws -> ContainerRecord? {
        guard let uuid = ServiceUUID(devContainerName: name),
              let record = try await self.lifecycle.store.container(service: uuid)
        else {
            self.logger.info("ignored a Coolify container event for a container that is not a dev container", metadata: ["container.name": "\(name)"])
            return nil
        }
        return record
    }

    /// The server of a list of several that Coolify's `uuid` names; nil with one server or an unknown uuid (then a
    /// server webhook concerns every container).
    func listedServer(_ uuid: String?) -> ServerName? {
        let servers = self.lifecycle.servers.current
        guard servers.count > 1, let uuid else { return nil }
        return servers.first { $0.coolifyServerUUID == uuid }?.name
    }

    /// Whether a server webhook is about one of the gateway's servers: the configured one, or one of the list's.
    func isOurs(_ server: String?) -> Bool {
        let ours = Set(self.lifecycle.servers.current.compactMap(\.coolifyServerUUID) + [self.serverUUID].compactMap { $0 })
        guard let server, !ours.isEmpty else { return true }
        return ours.contains(server)
    }
}

/// Coolify's latest `high_disk_usage` report of each server, and how many this replica applied.
public final class HostDiskReports: Sendable {
    /// One server's latest report.
    public struct Entry: Sendable, Equatable {
        /// The server's uuid, else its name, else `unknown`.
        public var server: String
        public var report: HostDiskReport
        /// Reports about the server this replica applied since it started.
        public var count: Int
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    func record(_ report: HostDiskReport) {
        let server = report.serverUUID ?? report.serverName ?? "unknown"
        self.entries.withLock { entries in
            entries[server] = Entry(server: server, report: report, count: (entries[server]?.count ?? 0) + 1)
        }
    }

    /// Every server's latest report, by server.
    public var latest: [Entry] {
        self.entries.withLock { $0.values.sorted { $0.server < $1.server } }
    }
}
