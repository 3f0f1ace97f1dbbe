import Foundation

/// A state change the gateway made and stored: what observers (the preview publisher, the dev-server restarts, the
/// outbound events) react to at once, instead of waiting for their next poll.
public enum StoreChange: Sendable, Equatable {
    /// A container row was created (`from` nil) or changed; `from` equals the record's state when only its
    /// service was recorded.
    case container(ContainerRecord, from: ContainerState?)
    /// A dev-server row was created (`from` nil) or changed state.
    case devServer(DevServerRecord, from: DevServerState?)
    /// An autosave attempt, pushed or failed, was recorded.
    case autosave(AutosaveAttempt)
    /// A pending chat turn's work ended.
    case chatTurn(ChatTurn, ChatTurnOutcome)

    /// Whether the change can add or remove a preview route (a container or a dev server changed).
    public var affectsPreviews: Bool {
        switch self {
        case .container, .devServer: true
        case .autosave, .chatTurn: false
        }
    }
}

/// The store's state-changing methods: the only writes anyone reacts to. Core services make every such change
/// through this port (``ObservedChanges`` in a running gateway), and read through the rest of ``GatewayStore``.
/// Every change is one conditional statement (compare-and-set), so concurrent callers and replicas cannot both win.
public protocol StateChanges: Sendable {
    /// Inserts the row unless the project already has one (insert-if-absent).
    /// - Returns: The row as it now is and whether this call inserted it.
    func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome

    /// Moves a container from `from` to `to` if, and only if, it is in `from` now.
    /// Entering `running` records activity; entering `suspended` sets `suspendedAt`; leaving it clears it.
    /// - Returns: The updated row, or nil when the row is missing or was not in `from`.
    /// - Throws: ``GatewayError`` `invalid_transition` when the state machine forbids the move.
    func transitionContainer(_ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date) async throws -> ContainerRecord?

    /// Records the Coolify service of a reserved row, only if it has none yet.
    /// - Returns: The updated row, or nil when the row is missing or already has a service.
    func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord?

    /// Inserts a new dev-server row; its project must have a container row.
    func insertDevServer(_ record: DevServerRecord) async throws

    /// Moves a dev server from `from` to `to` if, and only if, it is in `from` now; entering `stopped` sets `stoppedAt`,
    /// and a non-nil `failureReason` is recorded.
    /// - Returns: The updated row, or nil when the row is missing or was not in `from`.
    /// - Throws: ``GatewayError`` `invalid_transition` when the state machine forbids the move.
    func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, failureReason: String?, at now: Date
    ) async throws -> DevServerRecord?

    /// Records that a live dev server was launched again as process (group) `pid`: it becomes `starting`, started
    /// `now`, without a stop time or failure reason, if, and only if, it is still in `from` with `previousPID`.
    /// - Returns: The updated row, or nil when the row is missing or changed meanwhile.
    /// - Throws: ``GatewayError`` `invalid_transition` when `from` is not a live state.
    func relaunchDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, previousPID: Int?, pid: Int, at now: Date
    ) async throws -> DevServerRecord?

    /// Records an autosave attempt, pushed or failed.
    func recordAutosave(_ attempt: AutosaveAttempt) async throws

    /// Records that a pending chat turn's work ended with `outcome`.
    /// - Returns: false when the turn was not pending (finished meanwhile, or never claimed).
    func finishTurn(_ turn: ChatTurn, outcome: ChatTurnOutcome, at now: Date) async throws -> Bool
}

extension StateChanges {
    /// ``transitionDevServer(_:project:from:to:failureReason:at:)`` without a failure reason.
    public func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, at now: Date
    ) async throws -> DevServerRecord? {
        try await self.transitionDevServer(id, project: project, from: from, to: to, failureReason: nil, at: now)
    }

    /// Validates a container transition against the state machine before it reaches the store.
    /// - Throws: ``GatewayError`` `invalid_transition` when the move is not allowed.
    public static func checkTransition(from: ContainerState, to: ContainerState) throws {
        guard from.canTransition(to: to) else {
            throw GatewayError.invalidTransition(from: from.rawValue, to: to.rawValue)
        }
    }

    /// Checks that a relaunch starts from a live state.
    /// - Throws: ``GatewayError`` `invalid_transition` when `from` is `stopped` or `failed`.
    public static func checkRelaunch(from: DevServerState) throws {
        guard from.isLive else {
            throw GatewayError(
                .conflict, code: .invalidTransition,
                message: "Only a starting or running dev server can be relaunched, not a '\(from.rawValue)' one."
            )
        }
    }

    /// Validates a dev-server transition against the state machine before it reaches the store.
    /// - Throws: ``GatewayError`` `invalid_transition` when the move is not allowed.
    public static func checkTransition(from: DevServerState, to: DevServerState) throws {
        guard from.canTransition(to: to) else {
            throw GatewayError(
                .conflict, code: .invalidTransition,
                message: "A dev server cannot move from '\(from.rawValue)' to '\(to.rawValue)'."
            )
        }
    }
}

/// The ``StateChanges`` of a store, telling `observer` about every change that succeeded through it, so every
/// caller of every change is covered without each one remembering to notify.
public struct ObservedChanges: StateChanges {
    let base: any StateChanges
    let observer: @Sendable (StoreChange) async -> Void

    /// Wraps `base`; `observer` runs after each successful change, on the caller's task, which awaits it:
    /// it should record or hand off, never wait on the network.
    public init(_ base: any StateChanges, observer: @escaping @Sendable (StoreChange) async -> Void) {
        self.base = base
        self.observer = observer
    }

    public func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome {
        let outcome = try await self.base.reserveContainer(reservation, at: now)
        if outcome.inserted { await self.observer(.container(outcome.record, from: nil)) }
        return outcome
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date
    ) async throws -> ContainerRecord? {
        let record = try await self.base.transitionContainer(project, from: from, to: to, at: now)
        if let record { await self.observer(.container(record, from: from)) }
        return record
    }

    public func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord? {
        let record = try await self.base.recordServiceUUID(uuid, for: project)
        if let record { await self.observer(.container(record, from: record.state)) }
        return record
    }

    public func insertDevServer(_ record: DevServerRecord) async throws {
        try await self.base.insertDevServer(record)
        await self.observer(.devServer(record, from: nil))
    }

    public func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, failureReason: String?, at now: Date
    ) async throws -> DevServerRecord? {
        let record = try await self.base.transitionDevServer(id, project: project, from: from, to: to, failureReason: failureReason, at: now)
        if let record { await self.observer(.devServer(record, from: from)) }
        return record
    }

    public func relaunchDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, previousPID: Int?, pid: Int, at now: Date
    ) async throws -> DevServerRecord? {
        let record = try await self.base.relaunchDevServer(id, project: project, from: from, previousPID: previousPID, pid: pid, at: now)
        if let record { await self.observer(.devServer(record, from: from)) }
        return record
    }

    public func recordAutosave(_ attempt: AutosaveAttempt) async throws {
        try await self.base.recordAutosave(attempt)
        await self.observer(.autosave(attempt))
    }

    public func finishTurn(_ turn: ChatTurn, outcome: ChatTurnOutcome, at now: Date) async throws -> Bool {
        let finished = try await self.base.finishTurn(turn, outcome: outcome, at: now)
        if finished { await self.observer(.chatTurn(turn, outcome)) }
        return finished
    }
}
