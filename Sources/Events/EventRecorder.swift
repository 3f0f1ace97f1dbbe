import Foundation
import GatewayCore
import Logging

/// Turns the gateway's state changes into outbound events and puts them in the outbox: one insert, no network.
///
/// Runs inside each state change's transaction (`ObservedChanges`), so a change and its event are stored together;
/// the ``OutboxDeliverer`` sends the events later, so a slow or absent receiver never slows the gateway down.
public struct EventRecorder: EventSink {
    /// Where events are enqueued and projects looked up.
    public let store: any StoreQueries
    public let clock: any WallClock
    /// Called after each enqueue, without waiting (``OutboxDeliverer/wake()``).
    let wake: @Sendable () -> Void
    let logger: Logger

    /// The most characters of a failed autosave's output an event carries (its tail).
    public static let outputTail = 1000

    public init(store: any StoreQueries, clock: any WallClock = SystemClock(), logger: Logger, wake: @escaping @Sendable () -> Void) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.wake = wake
    }

    // MARK: Recording

    /// Enqueues the event `change` calls for, if any, through `store` (the change's transaction).
    public func record(_ change: StoreChange, in store: any StoreQueries) async throws {
        guard let event = try await self.event(for: change, reading: store) else { return }
        try await store.enqueueEvent(event)
    }

    /// Wakes the deliverer when `change` was committed with an event.
    public func committed(_ change: StoreChange) {
        if self.callsForEvent(change) { self.wake() }
    }

    /// Whether `change` calls for an event (what ``event(for:reading:)`` turns into one).
    public func callsForEvent(_ change: StoreChange) -> Bool {
        switch change {
        case .container(let record, let from): from != record.state
        case .devServer(let record, let from): from != record.state && (record.state == .running || record.state == .failed)
        case .autosave: true
        case .chatTurn(_, let outcome): outcome != .applied
        case .hostDiskHigh: true
        case .ship(let record, let from): from != record.state && !record.state.isActive
        }
    }

    /// The event for `change`, or nil when it calls for none: a container row whose state did not change, a dev
    /// server that did not just become `running` or `failed`, a chat turn that was applied.
    /// - Parameter store: Where the change's project is read (its transaction); this recorder's store by default.
    public func event(for change: StoreChange, reading store: (any StoreQueries)? = nil) async throws -> OutboundEvent? {
        guard self.callsForEvent(change) else { return nil }
        let store = store ?? self.store
        switch change {
        case .container(let record, let from):
            let data = ContainerStateData(project: Self.project(record), from: from, state: record.state)
            return try self.event(.containerStateChanged, data)
        case .devServer(let record, _):
            let type: OutboundEventType = record.state == .running ? .devServerReady : .devServerFailed
            let container = try await store.container(record.projectID)
            let data = DevServerData(
                project: Self.project(record.projectID, record.workspace, container),
                devServer: DevServerFields(
                    id: record.id.rawValue, name: record.name, port: record.port.number, previewUrl: record.previewURL,
                    state: record.state, failureReason: record.failureReason
                )
            )
            return try self.event(type, data)
        case .autosave(let attempt):
            let container = try await store.container(attempt.projectID)
            let data = AutosaveData(
                project: Self.project(attempt.projectID, attempt.workspace, container, slug: attempt.repo),
                commit: attempt.commit, exitCode: attempt.code,
                output: attempt.ok ? nil : String(attempt.output.suffix(Self.outputTail))
            )
            return try self.event(attempt.ok ? .autosavePushed : .autosaveFailed, data)
        case .chatTurn(let turn, let outcome):
            guard case .failed(let code, let message) = outcome else { return nil }
            let container = try await store.container(turn.project)
            let data = ChatTurnFailureData(
                project: Self.project(turn.project, turn.workspace, container, slug: turn.slug.rawValue),
                turnId: turn.turn.rawValue, phase: turn.phase, code: code.rawValue, message: message
            )
            return try self.event(.chatTurnFailed, data)
        case .hostDiskHigh(let report):
            let data = HostDiskData(
                serverUuid: report.serverUUID, serverName: report.serverName, diskUsagePercent: report.diskUsage,
                thresholdPercent: report.threshold
            )
            return try self.event(.hostDiskHigh, data)
        case .ship(let ship, _):
            let container = try await store.container(ship.projectID)
            let data = ShipData(
                project: Self.project(ship.projectID, ship.workspace, container), shipId: ship.id.rawValue, branch: ship.branch,
                commit: ship.commit, committed: ship.committed, applicationUuid: ship.applicationUUID.rawValue,
                deploymentUuid: ship.deploymentUUID, deploymentUrl: ship.deploymentURL, reason: ship.reason
            )
            return try self.event(ship.state == .succeeded ? .shipSucceeded : .shipFailed, data)
        }
    }

    // MARK: Internals

    func event(_ type: OutboundEventType, _ data: some Encodable) throws -> OutboundEvent {
        let now = self.clock.now
        let body = try EventEnvelope(type: type.rawValue, timestamp: now, data: data).encoded()
        return OutboundEvent(type: type, body: body, createdAt: now)
    }

    static func project(_ record: ContainerRecord) -> ProjectFields {
        self.project(record.projectID, record.workspace, record)
    }

    static func project(
        _ project: ProjectID, _ workspace: WorkspaceSlug, _ record: ContainerRecord?, slug: String? = nil
    ) -> ProjectFields {
        ProjectFields(
            workspace: workspace.rawValue, projectId: project.rawValue,
            projectSlug: record?.projectSlug?.rawValue ?? slug, serviceUuid: record?.serviceUUID?.rawValue
        )
    }
}
