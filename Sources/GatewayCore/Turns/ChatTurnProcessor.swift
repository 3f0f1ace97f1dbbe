import Foundation
import Logging
import ServiceLifecycle

/// Takes chat turns in and works them off, with the store as the queue: a turn the route claimed stays pending in
/// the store until its work is done, so a turn answered 202 is applied even if this replica dies (another one, or
/// this one restarted, takes the project's lease and finishes it). `started` ensures the container (provisions or
/// resumes it, within quota) and records activity; `ended` records activity and autosaves when one is due. A turn
/// whose work cannot be done is finished as failed, which the chat backend hears as `chat_turn.failed`.
///
/// Each project's turns run in order, one at a time; different projects run at once up to the settings' concurrency.
public struct ChatTurnProcessor: Service {
    /// Where turns are claimed, taken and leased, activity recorded and containers looked up.
    public let store: any StoreQueries
    /// Where a turn is finished (observed: a failure becomes an event).
    public let changes: any StateChanges
    public let clock: any WallClock
    /// Autosaves after a turn ends.
    public let autosave: Autosave
    /// The container lifecycle; nil when Coolify is not configured (the route then refuses `started`).
    public let lifecycle: ContainerLifecycle?
    public let settings: TurnSettings
    public let logger: Logger
    let scheduler: ProjectScheduler
    let backlog: TurnBacklog
    let finished = FinishedTurns()

    public init(
        store: any StoreQueries, changes: any StateChanges, clock: any WallClock = SystemClock(), autosave: Autosave,
        lifecycle: ContainerLifecycle?, settings: TurnSettings, logger: Logger
    ) {
        self.store = store
        self.changes = changes
        self.clock = clock
        self.autosave = autosave
        self.lifecycle = lifecycle
        self.settings = settings
        self.logger = logger
        self.scheduler = ProjectScheduler(concurrency: settings.concurrency)
        self.backlog = TurnBacklog(limit: settings.backlog)
    }

    var directory: ProjectDirectory { ProjectDirectory(store: self.store, clock: self.clock) }

    // MARK: Taking turns in

    /// Claims `turn` in the store and schedules its project's work.
    /// - Returns: false for a replay (the turn was claimed before; nothing more happens).
    /// - Throws: ``GatewayError`` `overloaded` (503, before anything is claimed) when this replica's backlog is full;
    ///   what the store throws.
    public func accept(_ turn: ChatTurn) async throws -> Bool {
        switch self.backlog.reserve(turn) {
        case .reserved: break
        case .waiting: return false
        case .full: throw GatewayError.overloaded(backlog: self.backlog.limit)
        }
        let claimed: Bool
        do {
            claimed = try await self.store.claimTurn(turn)
        } catch {
            self.backlog.release(turn)
            throw error
        }
        guard claimed else {
            self.backlog.release(turn)
            return false
        }
        self.backlog.claimed(turn)
        self.scheduler.submit(turn.project)
        return true
    }

    /// Turns claimed by this replica and not yet finished.
    public var backlogCount: Int { self.backlog.count }

    /// Turns this replica finished since it started, by outcome: `applied` or `failed`.
    public var finishedCounts: [String: Int] { self.finished.counts }

    // MARK: Working them off

    /// Works off the turns of the scheduled projects, and every ``TurnSettings/scanInterval`` the pending turns in the
    /// store (the first scan one interval after start, once `serve` has migrated it), until graceful shutdown.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.scheduler.run { project in await self.workOff(project) } }
            group.addTask { await runPeriodically(every: self.settings.scanInterval) { _ in await self.scan() } }
        }
    }

    /// Schedules every project with pending turns, and forgets the turns this replica claimed that another one applied.
    func scan() async {
        let limit = 10_000
        let started = ContinuousClock.now
        do {
            let pending = try await self.store.projectsWithPendingTurns(limit: limit)
            // Only a complete list shows which projects have nothing pending.
            if pending.count < limit { self.backlog.forgetApplied(pending: Set(pending), claimedBefore: started) }
            for project in pending { self.scheduler.submit(project) }
        } catch {
            self.logger.error("reading the pending chat turns failed", metadata: ["error": "\(error)"])
        }
    }

    /// Applies the project's pending turns oldest first, under its lease (renewed meanwhile); stops at the first one
    /// that cannot be finished now (the store failed, or shutdown): it stays pending for the next scan.
    func workOff(_ project: ProjectID) async {
        let owner = self.settings.replicaID
        do {
            guard try await self.renewLease(project) else { return }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.keepLease(project) }
                defer { group.cancelAll() }
                while !Task.isCancelled, let (turn, attempts) = try await self.store.takeNextTurn(project: project) {
                    let outcome = attempts > self.settings.maxAttempts ? .abandoned(attempts: attempts - 1) : await self.apply(turn)
                    guard let outcome else { return }
                    if try await self.changes.finishTurn(turn, outcome: outcome, at: self.clock.now) {
                        self.finished.count(outcome)
                    }
                    self.backlog.release(turn)
                }
            }
            try await self.store.releaseProjectLease(project, for: .turns, owner: owner)
        } catch is CancellationError {
            return
        } catch {
            self.logger.error("working off a project's chat turns failed", metadata: ["project.id": "\(project)", "error": "\(error)"])
        }
    }

    /// Renews the project's lease every third of its duration until cancelled (the work is over).
    /// - Throws: ``LeaseLost`` when another replica took the lease (this one was too slow to renew it).
    func keepLease(_ project: ProjectID) async throws {
        while true {
            do { try await Task.sleep(for: self.settings.leaseDuration / 3) } catch { return }
            guard try await self.renewLease(project) else { throw LeaseLost(project: project) }
        }
    }

    func renewLease(_ project: ProjectID) async throws -> Bool {
        // Leases measure real time, whatever clock the records carry (as ``ProjectExclusion``'s do).
        let now = Date()
        return try await self.store.acquireProjectLease(
            project, for: .turns, owner: self.settings.replicaID, until: now.addingTimeInterval(self.settings.leaseDuration.timeInterval), now: now
        )
    }

    /// Does one turn's work.
    /// - Returns: How it ended, or nil when it should be tried again later (the store failed, or shutdown).
    func apply(_ turn: ChatTurn) async -> ChatTurnOutcome? {
        let metadata = turn.logMetadata
        do {
            switch turn.phase {
            case .started: try await self.started(turn)
            case .ended: try await self.ended(turn, metadata: metadata)
            }
            return .applied
        } catch is CancellationError {
            return nil
        } catch let error as GatewayError where error.code == .storeUnavailable {
            self.logger.warning("a chat turn waits for the store", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return nil
        } catch {
            self.logger.error("applying a chat turn failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failure(error)
        }
    }

    // MARK: Phases

    func started(_ turn: ChatTurn) async throws {
        guard let lifecycle = self.lifecycle else { throw GatewayError.coolifyNotConfigured }
        _ = try await lifecycle.ensure(EnsureRequest(workspace: turn.workspace, project: turn.project, slug: turn.slug, start: true))
        try await self.store.touchContainer(turn.project, workspace: turn.workspace, at: self.clock.now)
    }

    func ended(_ turn: ChatTurn, metadata: Logger.Metadata) async throws {
        guard let record = try await self.store.touchContainer(turn.project, workspace: turn.workspace, at: self.clock.now) else {
            // No container in the turn's workspace: none at all (nothing to do), or another workspace's (refused).
            _ = try await self.directory.container(workspace: turn.workspace, project: turn.project)
            return
        }
        guard self.autosave.shell != nil else { return }
        let result = try await self.autosave.save(record, force: false)
        self.logger.info("autosave after a chat turn", metadata: metadata.merging([
            "autosave.reason": "\(result.reason)", "autosave.commit": "\(result.commit ?? "-")",
        ]) { $1 })
    }
}

/// Another replica took a project's lease while this one worked on it: this one stops.
struct LeaseLost: Error, CustomStringConvertible {
    let project: ProjectID
    var description: String { "the lease of project '\(self.project)' was taken by another replica" }
}

extension ChatTurnOutcome {
    /// A failed outcome carrying `error`'s code and message.
    static func failure(_ error: any Error) -> ChatTurnOutcome {
        switch error {
        case let error as GatewayError: .failed(code: error.code, message: error.message)
        case let error as OrchestratorError: .failed(code: error.error.code, message: error.error.message)
        case let error as ValidationError: .failed(code: .chatTurnFailed, message: error.description)
        default: .failed(code: .chatTurnFailed, message: "\(error)")
        }
    }

    /// A turn given up after `attempts` tries that never finished.
    static func abandoned(attempts: Int) -> ChatTurnOutcome {
        .failed(code: .chatTurnFailed, message: "The turn was tried \(attempts) times without finishing; it is given up.")
    }
}

extension GatewayError {
    /// This replica has as many claimed turns waiting as it may: the turn was not claimed.
    static func overloaded(backlog: Int) -> GatewayError {
        GatewayError(
            .unavailable, code: .overloaded,
            message: "The gateway has \(backlog) chat turns waiting; this one was not accepted.",
            hint: "Send it again after Retry-After: nothing of it was recorded.", retryAfterSeconds: 5
        )
    }
}
