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
    /// Coolify reported the server's disk fuller than its threshold.
    case hostDiskHigh(HostDiskReport)
    /// A ship was started (`from` nil) or moved on.
    case ship(ShipRecord, from: ShipState?)

    /// Whether the change can add or remove a preview route (a container or a dev server changed).
    public var affectsPreviews: Bool {
        switch self {
        case .container, .devServer: true
        case .autosave, .chatTurn, .hostDiskHigh, .ship: false
        }
    }

    /// Whether a container became `running` again (a resume), so its live dev servers are to be brought back.
    public var resumesDevServers: Bool {
        guard case .container(let record, let from) = self else { return false }
        return record.state == .running && from != nil && from != .running
    }
}

/// The store's state-changing methods: the only writes anyone reacts to. Core services make every such change
/// through this port (``ObservedChanges`` in a running gateway), and read through the rest of ``GatewayStore``.
/// Every change is one conditional statement (compare-and-set), so concurrent callers and replicas cannot both win.
public protocol StateChanges: Sendable {
    /// Inserts the row unless the project already has one (insert-if-absent), and, with a ``ContainerReservation/quota``,
    /// only while the workspace has fewer live containers than it; with ``ContainerReservation/servers``, on the
    /// server ``ServerSlot/place(among:active:)`` picks (counted, placed and inserted as one step).
    /// - Returns: The row as it now is and whether this call inserted it.
    /// - Throws: ``GatewayError`` `quota_exceeded` when the quota is full, `capacity_exhausted` when no server has
    ///   room, and the project has no row.
    func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome

    /// Moves a container from `from` to `to` if, and only if, it is in `from` now.
    /// Entering `running` or `provisioning` (a retry) records activity; entering `suspended` sets `suspendedAt`;
    /// leaving it clears it.
    /// - Returns: The updated row, or nil when the row is missing or was not in `from`.
    /// - Throws: ``GatewayError`` `invalid_transition` when the state machine forbids the move.
    func transitionContainer(_ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date) async throws -> ContainerRecord?

    /// ``transitionContainer(_:from:to:at:)`` into a state that counts against the quota (`provisioning`,
    /// `running`), kept only while the workspace then has at most `quota` such containers and the row's `server`
    /// (nil: no check) at most its capacity (moved and counted as one step, so concurrent resumes and retries cannot
    /// exceed either).
    /// - Throws: ``GatewayError`` `quota_exceeded` or `capacity_exhausted` (and nothing changed) when the move would
    ///   exceed one; `invalid_transition`.
    func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date, withinQuota quota: Int, on server: ServerSlot?
    ) async throws -> ContainerRecord?

    /// Records the Coolify service of a reserved row, only if it has none yet.
    /// - Returns: The updated row, or nil when the row is missing or already has a service.
    func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord?

    /// Inserts a ship unless the project has one that has not ended (one statement: two replicas cannot both start).
    /// - Returns: The inserted ship, or the project's active one with `inserted` false.
    func startShip(_ ship: ShipRecord) async throws -> (record: ShipRecord, inserted: Bool)

    /// Moves a ship from `from` to `to` (`from` may equal `to` to record progress), only if it is in `from` now.
    /// - Returns: The updated ship, or nil when it was not in `from`.
    func transitionShip(_ id: ShipID, from: ShipState, to: ShipState, progress: ShipProgress, at now: Date) async throws -> ShipRecord?

    /// Points a suspended container at another service on another server (a move, or its undoing), only if it is
    /// `suspended` with service `old` now.
    /// - Returns: The updated row, or nil when it was not.
    func switchContainer(_ project: ProjectID, from old: ServiceUUID, to new: ServiceUUID, on server: ServerName) async throws -> ContainerRecord?

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

    /// Records Coolify's report that the server's disk is fuller than its threshold: the store keeps nothing of its
    /// own (the default does nothing); ``ObservedChanges`` enqueues its outbound event.
    func reportHostDiskHigh(_ report: HostDiskReport) async throws
}

extension StateChanges {
    public func reportHostDiskHigh(_ report: HostDiskReport) async throws {}
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

/// The ``StateChanges`` of a store, each made in one transaction with what it implies (``record``: its outbound
/// event), and then announced to ``committed`` (the preview routes, the dev-server restarts, the outbox's wake-up),
/// so every caller of every change is covered without each one remembering to notify.
public struct ObservedChanges: StateChanges {
    let store: any GatewayStore
    let record: @Sendable (StoreChange, any GatewayStore) async throws -> Void
    let recordsAnything: @Sendable (StoreChange) -> Bool
    let committed: @Sendable (StoreChange) -> Void

    /// - Parameters:
    ///   - store: Where the changes are made.
    ///   - record: Runs inside each change's transaction, after the change; what it writes commits with the change,
    ///     and when it throws neither is kept.
    ///   - recordsAnything: Whether `record` writes anything for a change: a finished chat turn it writes nothing for
    ///     (an applied one, the hot path) is one statement without a transaction of its own.
    ///   - committed: Runs after the commit, on the caller's task: it should hand off, never wait.
    public init(
        _ store: any GatewayStore,
        record: @escaping @Sendable (StoreChange, any GatewayStore) async throws -> Void = { _, _ in },
        recordsAnything: @escaping @Sendable (StoreChange) -> Bool = { _ in true },
        committed: @escaping @Sendable (StoreChange) -> Void
    ) {
        self.store = store
        self.record = record
        self.recordsAnything = recordsAnything
        self.committed = committed
    }

    /// Makes `change` in one transaction with what it implies; announces it once committed.
    /// - Parameter change: The change, or nil when the compare-and-set found nothing to change.
    func observe<T: Sendable>(
        _ change: @escaping @Sendable (any GatewayStore) async throws -> (T, StoreChange?)
    ) async throws -> T {
        let (result, made) = try await self.store.withTransaction { store in
            let (result, made) = try await change(store)
            if let made { try await self.record(made, store) }
            return (result, made)
        }
        if let made { self.committed(made) }
        return result
    }

    public func reserveContainer(_ reservation: ContainerReservation, at now: Date) async throws -> ReservationOutcome {
        try await self.observe { store in
            let outcome = try await store.reserveContainer(reservation, at: now)
            return (outcome, outcome.inserted ? .container(outcome.record, from: nil) : nil)
        }
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date
    ) async throws -> ContainerRecord? {
        try await self.observeContainer(project, from: from) { store in try await store.transitionContainer(project, from: from, to: to, at: now) }
    }

    public func transitionContainer(
        _ project: ProjectID, from: ContainerState, to: ContainerState, at now: Date, withinQuota quota: Int, on server: ServerSlot?
    ) async throws -> ContainerRecord? {
        try await self.observeContainer(project, from: from) { store in
            try await store.transitionContainer(project, from: from, to: to, at: now, withinQuota: quota, on: server)
        }
    }

    /// Makes a container transition observed; a resumed container's dev servers wait for their relaunch in the
    /// store, committed with the resume.
    func observeContainer(
        _ project: ProjectID, from: ContainerState, _ transition: @escaping @Sendable (any GatewayStore) async throws -> ContainerRecord?
    ) async throws -> ContainerRecord? {
        try await self.observe { store in
            let record = try await transition(store)
            let change = record.map { StoreChange.container($0, from: from) }
            if change?.resumesDevServers == true { try await store.markDevServersForRelaunch(project: project) }
            return (record, change)
        }
    }

    public func recordServiceUUID(_ uuid: ServiceUUID, for project: ProjectID) async throws -> ContainerRecord? {
        try await self.observe { store in
            let record = try await store.recordServiceUUID(uuid, for: project)
            return (record, record.map { .container($0, from: $0.state) })
        }
    }

    public func switchContainer(_ project: ProjectID, from old: ServiceUUID, to new: ServiceUUID, on server: ServerName) async throws -> ContainerRecord? {
        try await self.observe { store in
            let record = try await store.switchContainer(project, from: old, to: new, on: server)
            return (record, record.map { .container($0, from: $0.state) })
        }
    }

    public func startShip(_ ship: ShipRecord) async throws -> (record: ShipRecord, inserted: Bool) {
        try await self.observe { store in
            let started = try await store.startShip(ship)
            return (started, started.inserted ? .ship(started.record, from: nil) : nil)
        }
    }

    public func transitionShip(_ id: ShipID, from: ShipState, to: ShipState, progress: ShipProgress, at now: Date) async throws -> ShipRecord? {
        try await self.observe { store in
            let record = try await store.transitionShip(id, from: from, to: to, progress: progress, at: now)
            return (record, record.map { .ship($0, from: from) })
        }
    }

    public func insertDevServer(_ record: DevServerRecord) async throws {
        try await self.observe { store in
            try await store.insertDevServer(record)
            return ((), .devServer(record, from: nil))
        }
    }

    public func transitionDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, to: DevServerState, failureReason: String?, at now: Date
    ) async throws -> DevServerRecord? {
        try await self.observe { store in
            let record = try await store.transitionDevServer(id, project: project, from: from, to: to, failureReason: failureReason, at: now)
            return (record, record.map { .devServer($0, from: from) })
        }
    }

    public func relaunchDevServer(
        _ id: DevServerID, project: ProjectID, from: DevServerState, previousPID: Int?, pid: Int, at now: Date
    ) async throws -> DevServerRecord? {
        try await self.observe { store in
            let record = try await store.relaunchDevServer(id, project: project, from: from, previousPID: previousPID, pid: pid, at: now)
            return (record, record.map { .devServer($0, from: from) })
        }
    }

    public func recordAutosave(_ attempt: AutosaveAttempt) async throws {
        try await self.observe { store in
            try await store.recordAutosave(attempt)
            return ((), .autosave(attempt))
        }
    }

    public func reportHostDiskHigh(_ report: HostDiskReport) async throws {
        try await self.observe { _ in ((), .hostDiskHigh(report)) }
    }

    public func finishTurn(_ turn: ChatTurn, outcome: ChatTurnOutcome, at now: Date) async throws -> Bool {
        let change = StoreChange.chatTurn(turn, outcome)
        guard self.recordsAnything(change) else {
            let finished = try await self.store.finishTurn(turn, outcome: outcome, at: now)
            if finished { self.committed(change) }
            return finished
        }
        return try await self.observe { store in
            let finished = try await store.finishTurn(turn, outcome: outcome, at: now)
            return (finished, finished ? .chatTurn(turn, outcome) : nil)
        }
    }
}
