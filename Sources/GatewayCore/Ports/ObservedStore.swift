import Foundation

/// A state change the gateway made and stored: what observers (the preview publisher, later the outbound events)
/// react to at once, instead of waiting for their next poll.
public enum StoreChange: Sendable, Equatable {
    /// A container row was created (`from` nil) or changed; `from` equals the record's state when only its
    /// service was recorded.
    case container(ContainerRecord, from: ContainerState?)
    /// A dev-server row was created (`from` nil) or changed state.
    case devServer(DevServerRecord, from: DevServerState?)
    /// An autosave attempt, pushed or failed, was recorded.
    case autosave(AutosaveAttempt)
}

/// A ``GatewayStore`` that tells `observer` about every state change that succeeded through it,
/// so every caller of every transition is covered without each one remembering to notify.
/// Reads and bookkeeping pass straight through.
public struct ObservedStore: GatewayStore {
    public let base: any GatewayStore
    let observer: @Sendable (StoreChange) async -> Void

    /// Wraps `base`; `observer` runs after each successful change, on the caller's task, which awaits it:
    /// it should record or hand off, never wait on the network.
    public init(_ base: any GatewayStore, observer: @escaping @Sendable (StoreChange) async -> Void) {
        self.base = base
        self.observer = observer
    }

    // MARK: Changes, observed

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

    // MARK: Everything else, passed through

    public func ping() async throws { try await self.base.ping() }
    public func migrate() async throws -> [Int] { try await self.base.migrate() }
    public func container(_ project: ProjectID) async throws -> ContainerRecord? { try await self.base.container(project) }
    public func ensurePreviewToken(_ project: ProjectID, candidate: PreviewToken) async throws -> PreviewToken? {
        try await self.base.ensurePreviewToken(project, candidate: candidate)
    }
    public func touchContainer(_ project: ProjectID, at now: Date) async throws { try await self.base.touchContainer(project, at: now) }
    public func containers(in states: Set<ContainerState>) async throws -> [ContainerRecord] { try await self.base.containers(in: states) }
    public func activeContainerCount(workspace: WorkspaceSlug) async throws -> Int {
        try await self.base.activeContainerCount(workspace: workspace)
    }
    public func diagnostics(_ project: ProjectID) async throws -> ContainerDiagnostics { try await self.base.diagnostics(project) }
    public func setDiagnostics(_ diagnostics: ContainerDiagnostics, for project: ProjectID) async throws {
        try await self.base.setDiagnostics(diagnostics, for: project)
    }
    public func container(service uuid: ServiceUUID) async throws -> ContainerRecord? { try await self.base.container(service: uuid) }
    public func claimDelivery(digest: String, at now: Date, ttl: Duration) async throws -> Bool {
        try await self.base.claimDelivery(digest: digest, at: now, ttl: ttl)
    }
    public func recordDeployment(_ deployment: CoolifyDeployment) async throws { try await self.base.recordDeployment(deployment) }
    public func withLeaderLock<T: Sendable>(_ lock: LeaderLock, _ body: @Sendable () async throws -> T) async throws -> T? {
        try await self.base.withLeaderLock(lock, body)
    }
    public func devServer(_ id: DevServerID, project: ProjectID) async throws -> DevServerRecord? {
        try await self.base.devServer(id, project: project)
    }
    public func devServers(project: ProjectID) async throws -> [DevServerRecord] { try await self.base.devServers(project: project) }
    public func livePreviews() async throws -> [LivePreview] { try await self.base.livePreviews() }
}
