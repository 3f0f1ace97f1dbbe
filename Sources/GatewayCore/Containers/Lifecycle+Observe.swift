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

    /// Applies an orchestrator status to a row (the crash semantics of docs/DESIGN.md), never trusting a stale one:
    /// - a provisioning row becomes running when the service runs and the container answers the exec probe, or when
    ///   the container answers whatever the status says (Coolify's lags a start by up to its server-check interval);
    ///   past the grace, any other status fails it;
    /// - a running row becomes suspended on a stopped status only when the stop is confirmed (``confirmsStop(_:)``);
    /// - a failed deploy fails a live row with ``BlockedReason/coolifyDeployFailed``.
    /// The status text is recorded.
    /// - Returns: The row as it now is.
    @discardableResult
    public func observe(_ record: ContainerRecord, status: ServiceStatus) async throws -> ContainerRecord {
        let now = self.clock.now
        switch (record.state, status.health) {
        case (.provisioning, .failed), (.running, .failed):
            return try await self.updated(self.fail(record, reason: .coolifyDeployFailed, coolifyStatus: status.raw), else: record)
        case (.provisioning, let health):
            let answers = health == .running ? try await self.isLive(record) : await self.probe(record) == true
            if answers, let running = try await self.changes.transitionContainer(record.projectID, from: .provisioning, to: .running, at: now) {
                try await self.noteStatus(status.raw, for: record.projectID)
                return running
            }
            if health != .running, self.isOverdue(record) {
                // Past the grace, any status but running fails the row: `exited` as a failed deploy, anything else
                // (`starting:*` for ever, unknown) as a start that never finished.
                let reason: BlockedReason = health == .stopped ? .coolifyDeployFailed : .coolifyStartTimedOut
                return try await self.updated(self.fail(record, reason: reason, coolifyStatus: status.raw), else: record)
            }
        case (.running, .stopped):
            if try await self.confirmsStop(record),
               let suspended = try await self.changes.transitionContainer(record.projectID, from: .running, to: .suspended, at: now) {
                try await self.noteStatus(status.raw, for: record.projectID)
                return suspended
            }
        default:
            break
        }
        try await self.noteStatus(status.raw, for: record.projectID)
        return try await self.current(record)
    }

    /// Whether a running row's container really stopped, as a stopped status or a stop report says: never within
    /// ``LifecycleSettings/staleStatusGrace`` after it started (Coolify's status may predate the start, and the
    /// container may not exist yet), and, with SSH configured, only when `docker ps` shows it not running (a host that
    /// cannot tell confirms nothing).
    func confirmsStop(_ record: ContainerRecord) async throws -> Bool {
        guard self.clock.now.timeIntervalSince(record.stateChangedAt) >= self.settings.staleStatusGrace.timeInterval else {
            return false
        }
        guard let shell = self.shell, let uuid = record.serviceUUID else { return true }
        do {
            if try await shell.containerRuns(uuid) {
                self.logger.info("Coolify reports a container stopped that docker shows running: the report is stale", metadata: [
                    "project.id": "\(record.projectID)", "service.uuid": "\(uuid)",
                ])
                return false
            }
            return true
        } catch {
            self.logger.warning("could not confirm a container's stop", metadata: ["project.id": "\(record.projectID)", "error": "\(error)"])
            return false
        }
    }

    /// Whether the container answers: the cheap exec probe when a shell is configured, else the orchestrator's word.
    func isLive(_ record: ContainerRecord) async throws -> Bool {
        await self.probe(record) ?? true
    }

    /// Whether the container answers the cheap exec probe; nil without a shell or a service.
    func probe(_ record: ContainerRecord) async -> Bool? {
        guard let shell = self.shell, let uuid = record.serviceUUID else { return nil }
        do {
            let result = try await shell.exec(ExecRequest(command: "true", timeout: .seconds(5)), in: uuid)
            return result.exitCode == 0
        } catch {
            self.logger.debug("liveness probe failed", metadata: ["project.id": "\(record.projectID)", "error": "\(error)"])
            return false
        }
    }

    /// Whether a provisioning row is past the grace period, counted from when it entered `provisioning` (its
    /// creation or its latest retry).
    func isOverdue(_ record: ContainerRecord) -> Bool {
        self.clock.now.timeIntervalSince(record.stateChangedAt) > self.settings.provisioningGrace.timeInterval
    }

    /// Records the orchestrator's status text, keeping the blocked reason, when it changed.
    func noteStatus(_ raw: String, for project: ProjectID) async throws {
        var diagnostics = try await self.store.diagnostics(project)
        guard diagnostics.coolifyStatus != raw else { return }
        diagnostics.coolifyStatus = raw
        try await self.store.setDiagnostics(diagnostics, for: project)
    }
}
