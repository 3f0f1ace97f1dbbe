import Foundation
import Logging
import ServiceLifecycle

/// Whether Coolify can reach its server, as its `server_unreachable` / `server_reachable` webhooks say: while it
/// cannot, the reconciler pauses (polls would read stale statuses). The pause ends at `server_reachable`, or after
/// ``pauseLimit`` — Coolify sends `server_reachable` only when a setting that defaults to off is on, so without the
/// limit one `server_unreachable` would pause reconciliation for good.
public actor ServerReachability {
    /// How long one `server_unreachable` pauses the reconciler at most.
    public let pauseLimit: Duration
    /// The pause of every server (the server was not told apart: one server, or an unknown one).
    private var pausedUntil: ContinuousClock.Instant?
    /// The pauses of single servers of a list.
    private var serversPausedUntil: [ServerName: ContinuousClock.Instant] = [:]

    public init(pauseLimit: Duration = .seconds(5 * 60)) {
        self.pauseLimit = pauseLimit
    }

    /// Whether the reconciler may poll at all: no pause of every server, or its limit has passed.
    public var reachable: Bool {
        guard let until = self.pausedUntil else { return true }
        if ContinuousClock.now < until { return false }
        self.pausedUntil = nil
        return true
    }

    /// Whether the containers of `server` may be polled: neither every server nor it is paused.
    public func reachable(_ server: ServerName) -> Bool {
        guard self.reachable else { return false }
        guard let until = self.serversPausedUntil[server] else { return true }
        if ContinuousClock.now < until { return false }
        self.serversPausedUntil[server] = nil
        return true
    }

    /// Records what Coolify reported of `server` (nil: of every server): unreachable pauses it for at most
    /// ``pauseLimit``.
    public func set(_ reachable: Bool, server: ServerName? = nil) {
        let until = reachable ? nil : ContinuousClock.now + self.pauseLimit
        if let server { self.serversPausedUntil[server] = until } else { self.pausedUntil = until }
    }
}

/// What one reconciliation pass did.
public struct ReconcileReport: Sendable, Equatable {
    /// Rows looked at.
    public var checked = 0
    /// Reserved rows whose lost service was found and recorded.
    public var adopted = 0
    /// Whether the pass did not run (another replica holds the lock, or the server is unreachable).
    public var skipped = false

    public init(checked: Int = 0, adopted: Int = 0, skipped: Bool = false) {
        self.checked = checked
        self.adopted = adopted
        self.skipped = skipped
    }
}

/// Keeps container rows true to Coolify: polls the services of `provisioning` rows every ``interval`` (with
/// jitter) and of `running` rows every ``runningEvery``-th pass, applying the lifecycle's transitions; heals rows
/// reserved by an ensure that crashed before recording its service (adopts the service, or fails the row).
/// One replica reconciles at a time (the store's reconciler lock).
public struct Reconciler: Service {
    public let lifecycle: ContainerLifecycle
    public let reachability: ServerReachability
    public let interval: Duration
    public let runningEvery: Int
    /// The fraction by which each wait varies at random, 0 to 1.
    public let jitter: Double

    public init(
        lifecycle: ContainerLifecycle,
        reachability: ServerReachability,
        interval: Duration = .seconds(10),
        runningEvery: Int = 6,
        jitter: Double = 0.2
    ) {
        self.lifecycle = lifecycle
        self.reachability = reachability
        self.interval = interval
        self.runningEvery = max(1, runningEvery)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// Reconciles until graceful shutdown or cancellation.
    public func run() async {
        await runPeriodically(every: self.interval, jitter: self.jitter) { pass in
            await self.reconcileOnce(includeRunning: pass % self.runningEvery == 0)
        }
    }

    /// One pass over the rows in flux (and the running ones when `includeRunning`). Errors are logged per row.
    @discardableResult
    public func reconcileOnce(includeRunning: Bool) async -> ReconcileReport {
        guard await self.reachability.reachable else { return ReconcileReport(skipped: true) }
        do {
            return try await self.lifecycle.store.withLeaderLock(.reconciler) {
                try await self.pass(states: includeRunning ? [.provisioning, .running] : [.provisioning])
            } ?? ReconcileReport(skipped: true)
        } catch {
            self.lifecycle.logger.error("reconciliation failed", metadata: ["error": "\(error)"])
            return ReconcileReport(skipped: true)
        }
    }

    func pass(states: Set<ContainerState>) async throws -> ReconcileReport {
        var report = ReconcileReport()
        for record in try await self.lifecycle.store.containers(in: states) {
            // Coolify said this container's server is unreachable: its status would say nothing new.
            guard await self.reachability.reachable(record.server) else { continue }
            report.checked += 1
            do {
                if record.serviceUUID == nil {
                    if try await self.heal(record) { report.adopted += 1 }
                } else {
                    try await self.lifecycle.refresh(record)
                }
            } catch {
                self.lifecycle.logger.warning("reconciling a container failed", metadata: [
                    "project.id": "\(record.projectID)", "error": "\(error)",
                ])
            }
        }
        return report
    }

    /// Heals a row reserved long enough ago that its ensure must have died: records the service Coolify has
    /// under the project's deterministic name, or fails the row. Never creates a service.
    /// - Returns: true when a service was adopted.
    func heal(_ record: ContainerRecord) async throws -> Bool {
        guard record.state == .provisioning, self.lifecycle.isOverdue(record) else { return false }
        guard let slug = record.projectSlug else {
            try await self.lifecycle.fail(record, reason: .coolifyCreateFailed, coolifyStatus: nil)
            return false
        }
        let identity = ServiceIdentity(project: record.projectID, workspace: record.workspace, projectSlug: slug)
        guard let uuid = try await self.lifecycle.orchestrator.findService(identity) else {
            try await self.lifecycle.fail(record, reason: .coolifyCreateFailed, coolifyStatus: nil)
            return false
        }
        guard let adopted = try await self.lifecycle.changes.recordServiceUUID(uuid, for: record.projectID) else { return false }
        self.lifecycle.logger.notice("adopted a service after an interrupted ensure", metadata: [
            "project.id": "\(record.projectID)", "service.uuid": "\(uuid)",
        ])
        try await self.lifecycle.refresh(adopted)
        return true
    }
}
