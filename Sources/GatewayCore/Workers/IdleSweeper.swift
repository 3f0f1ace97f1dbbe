import Foundation
import Logging
import ServiceLifecycle

/// Suspends dev containers nobody uses (the seed's `suspendIdleContainers`): every ``interval``, each `running`
/// container idle longer than ``idleMinutes`` and inside no open chat turn is autosaved (the lifecycle's
/// ``SaveWork``) and stopped. One replica sweeps at a time (the store's idle-sweep lock).
public struct IdleSweeper: Service {
    /// `VIBN_IDLE_MINUTES`'s default.
    public static let defaultIdleMinutes = 30
    /// `VIBN_TURN_HOLD_MINUTES`'s default.
    public static let defaultTurnHoldMinutes = 120
    /// The idle limits a sweep accepts: up to a week.
    public static let idleMinutesRange = 0...10_080

    public let lifecycle: ContainerLifecycle
    /// How long a container may be idle before the periodic sweep suspends it.
    public let idleMinutes: Int
    /// How long an open chat turn (`started`, no `ended`) keeps its container awake, so a lost `ended` cannot
    /// keep it up for ever.
    public let turnHoldMinutes: Int
    public let interval: Duration

    public init(
        lifecycle: ContainerLifecycle,
        idleMinutes: Int = IdleSweeper.defaultIdleMinutes,
        turnHoldMinutes: Int = IdleSweeper.defaultTurnHoldMinutes,
        interval: Duration = .seconds(5 * 60)
    ) {
        self.lifecycle = lifecycle
        self.idleMinutes = idleMinutes
        self.turnHoldMinutes = turnHoldMinutes
        self.interval = interval
    }

    var logger: Logger { self.lifecycle.logger }

    /// Sweeps every ``interval`` until graceful shutdown or cancellation; failures are logged.
    public func run() async {
        await runPeriodically(every: self.interval) { _ in
            do {
                let result = try await self.sweep(idleMinutes: self.idleMinutes)
                guard !result.suspended.isEmpty || !result.errors.isEmpty else { return }
                self.logger.info("idle sweep", metadata: [
                    "sweep.scanned": "\(result.scanned)", "sweep.suspended": "\(result.suspended.count)",
                    "sweep.errors": "\(result.errors.count)",
                ])
            } catch {
                self.logger.error("idle sweep failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One sweep now, unless another replica is sweeping (then the result says `skipped`).
    /// Suspend failures are reported per project.
    /// - Throws: What the store throws while listing the containers.
    public func sweep(idleMinutes: Int) async throws -> IdleSweepResult {
        try await self.lifecycle.store.withLeaderLock(.idleSweep) {
            try await self.pass(idleMinutes: idleMinutes)
        } ?? .skippedByAnotherReplica
    }

    // MARK: One pass

    func pass(idleMinutes: Int) async throws -> IdleSweepResult {
        let now = self.lifecycle.clock.now
        let cutoff = now.addingTimeInterval(-Double(idleMinutes) * 60)
        let holdStart = now.addingTimeInterval(-Double(self.turnHoldMinutes) * 60)
        let idle = try await self.lifecycle.store.containers(in: [.running]).filter { $0.lastActiveAt < cutoff }
        var result = IdleSweepResult()
        result.scanned = idle.count
        for record in idle {
            let project = record.projectID.rawValue
            do {
                if try await self.lifecycle.store.hasOpenTurn(project: record.projectID, since: holdStart) {
                    result.held.append(project)
                    continue
                }
                // Read again just before stopping: activity since the scan (an exec, a new turn) keeps it up.
                guard let current = try await self.lifecycle.store.container(record.projectID),
                      current.state == .running, current.lastActiveAt < cutoff else { continue }
                _ = try await self.lifecycle.suspend(workspace: record.workspace, project: record.projectID)
                let idleMin = Int(now.timeIntervalSince(record.lastActiveAt) / 60)
                result.suspended.append(.init(projectId: project, idleMin: idleMin))
                self.logger.info("suspended an idle container", metadata: ["project.id": "\(project)", "container.idle_minutes": "\(idleMin)"])
            } catch {
                result.errors.append(.init(projectId: project, error: "\(error)"))
                self.logger.error("suspending an idle container failed", metadata: ["project.id": "\(project)", "error": "\(error)"])
            }
        }
        await self.purgeOldTurns(now: now)
        return result
    }

    /// How long chat turns are kept: replays older than this would be applied again, so it is far longer than
    /// any redelivery (and than the turn hold).
    public static let turnRetention: TimeInterval = 7 * 24 * 3600

    /// Deletes turns past ``turnRetention`` (or the hold, if longer), so `vibn_chat_turns` does not grow forever.
    func purgeOldTurns(now: Date) async {
        let keep = max(Self.turnRetention, Double(self.turnHoldMinutes) * 60)
        do {
            let purged = try await self.lifecycle.store.purgeTurns(receivedBefore: now.addingTimeInterval(-keep))
            if purged > 0 { self.logger.info("purged old chat turns", metadata: ["turns.purged": "\(purged)"]) }
        } catch {
            self.logger.error("purging old chat turns failed", metadata: ["error": "\(error)"])
        }
    }
}
