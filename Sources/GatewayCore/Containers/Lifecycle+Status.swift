import Foundation
import Logging

extension ContainerLifecycle {
    // MARK: Status

    /// The status object of `GET …/container`. A provisioning container is checked on the way (the seed's
    /// self-heal): the exec probe when SSH is configured, else Coolify's status; past the grace period it is
    /// `likelyFailed` and carries Coolify's status, and a failed deploy is reported with `blockedReason`.
    /// - Throws: ``GatewayError`` `project_not_found` when the project belongs to another workspace.
    public func status(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerStatus {
        guard let record = try await self.directory.container(workspace: workspace, project: project) else {
            return .absent
        }
        switch record.state {
        case .provisioning: return try await self.provisioningStatus(record)
        case .failed: return try await self.failedStatus(record)
        case .running, .suspended: return try await self.directory.status(of: record)
        }
    }

    func provisioningStatus(_ record: ContainerRecord) async throws -> ContainerStatus {
        var latest = record
        var coolifyStatus: String?
        if record.serviceUUID != nil {
            if self.shell != nil, try await self.isLive(record),
               let running = try await self.changes.transitionContainer(record.projectID, from: .provisioning, to: .running, at: self.clock.now) {
                latest = running
            }
            if latest.state == .provisioning, self.shell == nil || self.isOverdue(record) {
                latest = try await self.refresh(record)
                coolifyStatus = try await self.store.diagnostics(record.projectID).coolifyStatus
            }
        }
        switch latest.state {
        case .running:
            var status = try await self.directory.status(of: latest)
            status.selfHealed = true
            return status
        case .failed:
            return try await self.failedStatus(latest)
        case .provisioning, .suspended:
            var status = try await self.directory.status(of: latest)
            guard latest.state == .provisioning else { return status }
            let overdue = self.isOverdue(latest)
            status.likelyFailed = overdue
            if self.shell == nil {
                status.blockedReason = BlockedReason.coolifySSHNotConfigured.rawValue
                status.blockedHint = BlockedReason.coolifySSHNotConfigured.hint(serviceUUID: latest.serviceUUID, coolifyStatus: nil)
            }
            if overdue { status.coolifyStatus = coolifyStatus }
            return status
        }
    }

    func failedStatus(_ record: ContainerRecord) async throws -> ContainerStatus {
        let diagnostics = try await self.store.diagnostics(record.projectID)
        var status = try await self.directory.status(of: record)
        status.likelyFailed = true
        status.coolifyStatus = diagnostics.coolifyStatus
        if let reason = diagnostics.blockedReason.flatMap(BlockedReason.init(rawValue:)) {
            status.blockedReason = reason.rawValue
            status.blockedHint = reason.hint(serviceUUID: record.serviceUUID, coolifyStatus: diagnostics.coolifyStatus)
        }
        return status
    }
}
