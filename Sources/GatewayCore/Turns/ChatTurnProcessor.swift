import Foundation
import Logging
import ServiceLifecycle

/// Applies the chat turns the route has claimed (each `turnId`+`phase` once), in the background:
/// `started` ensures the container (provisions or resumes it, within quota) and records activity;
/// `ended` records activity and autosaves when one is due. Failures are logged with the project id, never thrown.
public struct ChatTurnProcessor: Service {
    public let queue: ChatTurnQueue
    /// Where activity is recorded and containers are looked up.
    public let store: any StoreQueries
    public let clock: any WallClock
    /// Autosaves after a turn ends.
    public let autosave: Autosave
    /// The container lifecycle; nil when Coolify is not configured (the route then refuses `started`).
    public let lifecycle: ContainerLifecycle?
    public let logger: Logger

    public init(
        queue: ChatTurnQueue, store: any StoreQueries, clock: any WallClock = SystemClock(), autosave: Autosave,
        lifecycle: ContainerLifecycle?, logger: Logger
    ) {
        self.queue = queue
        self.store = store
        self.clock = clock
        self.autosave = autosave
        self.lifecycle = lifecycle
        self.logger = logger
    }

    var directory: ProjectDirectory { ProjectDirectory(store: self.store, clock: self.clock) }

    /// Applies the queued turns one at a time, in order, until graceful shutdown or cancellation.
    public func run() async {
        await self.queue.drain { turn in await self.process(turn) }
    }

    /// Applies one claimed turn; failures are logged, never thrown.
    public func process(_ turn: ChatTurn) async {
        let metadata = turn.logMetadata
        do {
            switch turn.phase {
            case .started: try await self.started(turn)
            case .ended: try await self.ended(turn, metadata: metadata)
            }
        } catch {
            self.logger.error("applying a chat turn failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    // MARK: Phases

    func started(_ turn: ChatTurn) async throws {
        guard let lifecycle = self.lifecycle else { throw GatewayError.coolifyNotConfigured }
        _ = try await lifecycle.ensure(EnsureRequest(workspace: turn.workspace, project: turn.project, slug: turn.slug, start: true))
        try await self.store.touchContainer(turn.project, at: self.clock.now)
    }

    func ended(_ turn: ChatTurn, metadata: Logger.Metadata) async throws {
        guard let record = try await self.directory.container(workspace: turn.workspace, project: turn.project) else { return }
        try await self.store.touchContainer(turn.project, at: self.clock.now)
        guard self.autosave.shell != nil else { return }
        let result = try await self.autosave.save(record, force: false)
        self.logger.info("autosave after a chat turn", metadata: metadata.merging([
            "autosave.reason": "\(result.reason)", "autosave.commit": "\(result.commit ?? "-")",
        ]) { $1 })
    }
}
