import Foundation

/// The gateway's state store. Every state change is one conditional statement (compare-and-set),
/// so concurrent callers and several gateway replicas cannot both win the same transition.
public protocol Store: Sendable {
    /// Succeeds when the store answers a trivial query.
    func ping() async throws

    /// Applies every migration not yet recorded; a no-op when all are applied.
    /// - Returns: The versions applied by this call.
    @discardableResult
    func migrate() async throws -> [Int]

    /// The container row of a project, if any.
    func container(_ project: ProjectID) async throws -> ContainerRecord?

    /// Inserts the row unless the project already has one (insert-if-absent).
    /// - Returns: The row as it now is and whether this call inserted it.
    func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome

    /// Moves a container from `from` to `to` if, and only if, it is in `from` now.
    /// Entering `running` records activity; entering `suspended` sets `suspendedAt`; leaving it clears it.
    /// - Returns: The updated row, or nil when the row is missing or was not in `from`.
    /// - Throws: ``GatewayError`` `invalid_transition` when the state machine forbids the move.
    func transitionContainer(
        _ project: ProjectID,
        from: ContainerState,
        to: ContainerState,
        at now: Date
    ) async throws -> ContainerRecord?

    /// Records the Coolify service of a reserved row, only if it has none yet.
    /// - Returns: The updated row, or nil when the row is missing or already has a service.
    func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord?

    /// The project's preview token: the stored one, or `candidate` stored now when the row has none
    /// (rows adopted from the seed). Concurrent callers all get the one token that was stored.
    /// - Returns: The token, or nil when the project has no row.
    func ensurePreviewToken(_ project: ProjectID, candidate: PreviewToken) async throws -> PreviewToken?

    /// Records activity on a container now.
    func touchContainer(_ project: ProjectID, at now: Date) async throws

    /// The containers in any of `states`, oldest first.
    func containers(in states: Set<ContainerState>) async throws -> [ContainerRecord]

    /// How many of a workspace's containers count against its quota (provisioning or running).
    func activeContainerCount(workspace: WorkspaceSlug) async throws -> Int
}

extension Store {
    /// Validates a transition against the state machine before it reaches the store.
    /// - Throws: ``GatewayError`` `invalid_transition` when the move is not allowed.
    public static func checkTransition(from: ContainerState, to: ContainerState) throws {
        guard from.canTransition(to: to) else {
            throw GatewayError.invalidTransition(from: from.rawValue, to: to.rawValue)
        }
    }
}
