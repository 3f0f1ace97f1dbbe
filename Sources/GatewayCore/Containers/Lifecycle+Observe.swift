import Foundation
import Logging

extension ContainerLifecycle {
    // MARK: Applying the orchestrator's view

    /// Fetches the service's status from the orchestrator and applies it (see ``observe(_:status:)``);
    /// a service the orchestrator no longer has fails the row with ``BlockedReason/coolifyServiceMissing``.
    /// - Returns: The row as it now is.
    @discardableResult
    public func refresh(_ record: ContainerRecord) async throws -> ContainerRecord {
        guard let uuid = record.serviceUUID else { return record }
        let status: ServiceStatus
        do {
            status = try await self.orchestrator.serviceStatus(uuid)
        } catch let error as OrchestratorError where error.outcome == .serviceMissing {
            return try await self.updated(self.fail(record, reason: .coolifyServiceMissing, coolifyStatus: nil), else: record)
        }
        return try await self.observe(record, status: status)
    }

    /// Applies an orchestrator status to a row (the crash semantics of docs/DESIGN.md): a live service makes a provisioning
    /// row running (after the exec probe when SSH is configured); a stopped one makes a running row suspended;
    /// a failed deploy makes a live row failed with ``BlockedReason/coolifyDeployFailed``. The status text is recorded.
    /// - Returns: The row as it now is.
    @discardableResult
    public func observe(_ record: ContainerRecord, status: ServiceStatus) async throws -> ContainerRecord {
        let now = self.clock.now
        switch (record.state, status.health) {
        case (.provisioning, .running):
            if try await self.isLive(record),
               let running = try await self.changes.transitionContainer(record.projectID, from: .provisioning, to: .running, at: now) {
                try await self.noteStatus(status.raw, for: record.projectID)
                return running
            }
        case (.provisioning, .failed), (.running, .failed):
            return try await self.updated(self.fail(record, reason: .coolifyDeployFailed, coolifyStatus: status.raw), else: record)
        case (.provisioning, let health) where health != .running && self.isOverdue(record):
            // Past the grace, any status but running fails the row: `exited` as a failed deploy, anything else
            // (`starting:*` for ever, unknown) as a start that never finished.
            let reason: BlockedReason = health == .stopped ? .coolifyDeployFailed : .coolifyStartTimedOut
            return try await self.updated(self.fail(record, reason: reason, coolifyStatus: status.raw), else: record)
        case (.running, .stopped):
            if let suspended = try await self.changes.transitionContainer(record.projectID, from: .running, to: .suspended, at: now) {
                try await self.noteStatus(status.raw, for: record.projectID)
                return suspended
            }
        default:
            break
        }
        try await self.noteStatus(status.raw, for: record.projectID)
        return try await self.current(record)
    }

    /// Whether the container answers: the cheap exec probe when a shell is configured, else the orchestrator's word.
    func isLive(_ record: ContainerRecord) async throws -> Bool {
        guard let shell = self.shell, let uuid = record.serviceUUID else { return true }
        do {
            let result = try await shell.exec(ExecRequest(command: "true", timeout: .seconds(5)), in: uuid)
            return result.exitCode == 0
        } catch {
            self.logger.debug("liveness probe failed", metadata: ["project.id": "\(record.projectID)", "error": "\(error)"])
            return false
        }
    }

    /// Whether a provisioning row is past the grace period, counted from its creation or its latest retry (entering
    /// `provisioning` records activity).
    func isOverdue(_ record: ContainerRecord) -> Bool {
        let since = max(record.createdAt, record.lastActiveAt)
        return self.clock.now.timeIntervalSince(since) > self.settings.provisioningGrace.timeInterval
    }

    /// Records the orchestrator's status text, keeping the blocked reason, when it changed.
    func noteStatus(_ raw: String, for project: ProjectID) async throws {
        var diagnostics = try await self.store.diagnostics(project)
        guard diagnostics.coolifyStatus != raw else { return }
        diagnostics.coolifyStatus = raw
        try await self.store.setDiagnostics(diagnostics, for: project)
    }
}
