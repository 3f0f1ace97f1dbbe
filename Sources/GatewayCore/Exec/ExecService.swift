import Foundation

/// Runs commands in a project's dev container: tenant check, a suspended container resumed first (``ContainerWaker``),
/// then exec, then the exec's proof of life recorded in the store (activity, and `provisioning`/`suspended` promoted to
/// `running`, as the seed's `touchActivity`).
public struct ExecService: Sendable {
    public let directory: ProjectDirectory
    /// Where an exec's proof of life promotes the container (observed).
    public let changes: any StateChanges
    /// The shell into containers; nil when SSH is not configured.
    public let shell: (any ContainerShell)?
    /// Resumes a suspended container before work on it; nil: a suspended container is not resumed.
    public let waker: ContainerWaker?

    public init(directory: ProjectDirectory, changes: any StateChanges, shell: (any ContainerShell)?, waker: ContainerWaker? = nil) {
        self.directory = directory
        self.changes = changes
        self.shell = shell
        self.waker = waker
    }

    /// Runs `request` in the container of `project`, which must belong to `workspace`.
    /// - Throws: ``ValidationError`` for a bad request; ``GatewayError`` `ssh_not_configured`, `project_not_found`
    ///   (another workspace's project), `no_container`, or whatever the shell reports. Nothing runs on any of these.
    public func exec(_ request: ExecRequest, workspace: WorkspaceSlug, project: ProjectID) async throws -> ExecResult {
        try request.validate()
        guard let shell = self.shell else { throw GatewayError.sshNotConfigured }
        guard let found = try await self.directory.container(workspace: workspace, project: project), found.serviceUUID != nil else {
            throw GatewayError.noContainer(project)
        }
        let record = try await self.waker?.awake(found) ?? found
        guard let service = record.serviceUUID else { throw GatewayError.noContainer(project) }
        let result = try await shell.exec(request, in: service)
        try await self.recordProofOfLife(record)
        return result
    }

    /// An exec that ran proves the container runs: record activity and promote it to `running` if needed.
    private func recordProofOfLife(_ record: ContainerRecord) async throws {
        let now = self.directory.clock.now
        if record.state == .provisioning || record.state == .suspended,
           try await self.changes.transitionContainer(record.projectID, from: record.state, to: .running, at: now) != nil {
            return
        }
        try await self.directory.store.touchContainer(record.projectID, workspace: record.workspace, at: now)
    }
}
