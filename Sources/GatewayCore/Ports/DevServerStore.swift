import Foundation

/// The dev-server half of the store (`fs_dev_servers`). Every state change is compare-and-set.
public protocol DevServerStore: Sendable {
    /// Inserts a new dev-server row; its project must have a container row.
    func insertDevServer(_ record: DevServerRecord) async throws

    /// The dev server `id` of `project`, if any.
    func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord?

    /// A project's dev servers, by port, then oldest first.
    func devServers(project: ProjectID) async throws -> [DevServerRecord]

    /// Moves a dev server from `from` to `to` if, and only if, it is in `from` now; entering `stopped` sets `stoppedAt`,
    /// and a non-nil `failureReason` is recorded.
    /// - Returns: The updated row, or nil when the row is missing or was not in `from`.
    /// - Throws: ``GatewayError`` `invalid_transition` when the state machine forbids the move.
    func transitionDevServer(
        _ id: DevServerID,
        project: ProjectID,
        from: DevServerState,
        to: DevServerState,
        failureReason: String?,
        at now: Date
    ) async throws -> DevServerRecord?

    /// Records that a live dev server was launched again as process (group) `pid`: it becomes `starting`, started
    /// `now`, without a stop time or failure reason, if, and only if, it is still in `from` with `previousPID`.
    /// - Returns: The updated row, or nil when the row is missing or changed meanwhile.
    /// - Throws: ``GatewayError`` `invalid_transition` when `from` is not a live state.
    func relaunchDevServer(
        _ id: DevServerID,
        project: ProjectID,
        from: DevServerState,
        previousPID: Int?,
        pid: Int,
        at now: Date
    ) async throws -> DevServerRecord?

    /// Every live preview (dev servers `starting`/`running` on `running` containers), ordered by project, port
    /// and start time; rows missing a slug, token or service are left out.
    func livePreviews() async throws -> [LivePreview]
}

extension DevServerStore {
    /// ``transitionDevServer(_:project:from:to:failureReason:at:)`` without a failure reason.
    public func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, at now: Date
    ) async throws -> DevServerRecord? {
        try await self.transitionDevServer(id, project: project, from: from, to: to, failureReason: nil, at: now)
    }

    /// Checks that a relaunch starts from a live state.
    /// - Throws: ``GatewayError`` `invalid_transition` when `from` is `stopped` or `failed`.
    public static func checkRelaunch(from: DevServerState) throws {
        guard from.isLive else {
            throw GatewayError(
                .conflict, code: "invalid_transition",
                message: "Only a starting or running dev server can be relaunched, not a '\(from.rawValue)' one."
            )
        }
    }

    /// Validates a dev-server transition against the state machine before it reaches the store.
    /// - Throws: ``GatewayError`` `invalid_transition` when the move is not allowed.
    public static func checkTransition(from: DevServerState, to: DevServerState) throws {
        guard from.canTransition(to: to) else {
            throw GatewayError(
                .conflict, code: "invalid_transition",
                message: "A dev server cannot move from '\(from.rawValue)' to '\(to.rawValue)'."
            )
        }
    }
}
