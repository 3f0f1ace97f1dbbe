import Foundation
import Logging

extension ContainerLifecycle {
    // MARK: Suspend and resume

    /// Stops a project's container after saving its work; a suspended one is returned as is.
    /// - Throws: ``GatewayError`` `no_container`, `container_failed` / `container_provisioning` (nothing to stop yet).
    public func suspend(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerStatus {
        let record = try await self.requireContainer(workspace: workspace, project: project)
        switch record.state {
        case .suspended:
            break
        case .running, .provisioning:
            guard let uuid = record.serviceUUID else {
                throw GatewayError.containerBusy(project, state: record.state, operation: "be suspended")
            }
            if record.state == .running { try await self.saveWork(record) }
            if try await self.orchestrator.stopService(uuid) == .alreadyDone, let shell = self.shell, try await shell.containerRuns(uuid) {
                // Coolify judged by a status that predates a recent start: the container still runs, and stays recorded so.
                throw GatewayError.stopRefusedAsStale(project)
            }
            _ = try await self.changes.transitionContainer(project, from: record.state, to: .suspended, at: self.clock.now)
        case .failed:
            throw GatewayError.containerBusy(project, state: record.state, operation: "be suspended")
        }
        return try await self.status(workspace: workspace, project: project)
    }

    /// Starts a project's suspended container (quota permitting); a running or provisioning one is returned as is.
    /// - Throws: ``GatewayError`` `no_container`, `quota_exceeded`, `container_failed`.
    public func resume(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerStatus {
        let record = try await self.requireContainer(workspace: workspace, project: project)
        switch record.state {
        case .suspended:
            _ = try await self.start(record)
        case .running, .provisioning:
            break
        case .failed:
            throw GatewayError.containerBusy(project, state: record.state, operation: "be resumed")
        }
        return try await self.status(workspace: workspace, project: project)
    }

    /// Starts a suspended container's service and marks it running (the seed's resume).
    func start(_ record: ContainerRecord) async throws -> ContainerRecord {
        guard let uuid = record.serviceUUID else {
            throw GatewayError.containerBusy(record.projectID, state: record.state, operation: "be resumed")
        }
        // Refused early, before Coolify is asked; the quota is then held by the move itself (atomic).
        try await self.checkQuota(record.workspace)
        try await self.orchestrator.startService(uuid)
        do {
            return try await self.updated(
                self.changes.transitionContainer(
                    record.projectID, from: .suspended, to: .running, at: self.clock.now, withinQuota: self.settings.quotaPerWorkspace,
                    on: self.server(of: record)
                ),
                else: record
            )
        } catch let error as GatewayError where error.code == .quotaExceeded || error.code == .capacityExhausted {
            // Another resume took the last place meanwhile: this service was started for nothing.
            _ = try? await self.orchestrator.stopService(uuid)
            throw error
        }
    }

    func requireContainer(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerRecord {
        guard let record = try await self.directory.container(workspace: workspace, project: project) else {
            throw GatewayError.noContainer(project)
        }
        return record
    }

    /// Moves a container to `failed` (from the state it is in) and records why.
    /// - Returns: The failed row, or nil when its state changed meanwhile.
    @discardableResult
    func fail(_ record: ContainerRecord, reason: BlockedReason, coolifyStatus: String?) async throws -> ContainerRecord? {
        guard record.state != .failed,
              let failed = try await self.changes.transitionContainer(record.projectID, from: record.state, to: .failed, at: self.clock.now)
        else { return nil }
        try await self.store.setDiagnostics(
            ContainerDiagnostics(blockedReason: reason.rawValue, coolifyStatus: coolifyStatus), for: record.projectID
        )
        self.logger.warning("container failed", metadata: [
            "project.id": "\(record.projectID)", "container.reason": "\(reason.rawValue)",
            "coolify.status": "\(coolifyStatus ?? "-")",
        ])
        return failed
    }
}

extension GatewayError {
    /// Coolify refused a stop as done though the container runs: its status still predates a recent start.
    static func stopRefusedAsStale(_ project: ProjectID) -> GatewayError {
        GatewayError(
            .unavailable, code: .coolifyStatusStale,
            message: "Coolify refused to stop project '\(project)''s container: its status, which lags a recent start, says it is stopped, but the container runs. Nothing changed.",
            hint: "Retry in a minute, once Coolify's server check has seen the container running.", retryAfterSeconds: 60
        )
    }
}
