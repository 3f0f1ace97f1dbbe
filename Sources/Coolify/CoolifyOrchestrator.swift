import GatewayCore
import Logging

/// The ``Orchestrator`` on Coolify: services in the configured Coolify project, or in one Coolify project per
/// gateway project (found by name, else created, as the seed does).
///
/// Every ``GatewayError`` of the client leaves as an ``OrchestratorError`` (see ``OrchestratorError/init(coolify:)``).
public struct CoolifyOrchestrator: Orchestrator {
    public let client: CoolifyClient
    /// The Coolify server of each gateway server.
    public let servers: CoolifyServers

    /// - Parameter servers: The Coolify server of each gateway server; nil: `default` only, the client's configured one.
    public init(client: CoolifyClient, servers: CoolifyServers? = nil) {
        self.client = client
        self.servers = servers ?? CoolifyServers(configuration: client.configuration)
    }

    public func createService(_ spec: ServiceSpec) async throws -> ServiceUUID {
        guard let placement = self.servers.placement(of: spec.server) else {
            throw OrchestratorError(.refused, GatewayError(
                .unavailable, code: .coolifyInvalidRequest, message: "Server '\(spec.server)' is not in the server list.",
                hint: "Add it back to VIBN_SERVERS_FILE (then SIGHUP), or move the project to a listed server."
            ))
        }
        return try await Self.orchestratorErrors {
            let project = try await self.projectUUID(for: spec.identity)
            return try await self.client.createService(
                name: spec.identity.name, description: spec.description, projectUUID: project, compose: spec.compose,
                instantDeploy: spec.instantDeploy, on: placement
            )
        }
    }

    public func findService(_ identity: ServiceIdentity) async throws -> ServiceUUID? {
        try await Self.orchestratorErrors {
            let match = try await self.client.services().first {
                $0.name == identity.name && ($0.description ?? "").hasSuffix(identity.ownerMarker)
            }
            return try match.map { try CoolifyClient.serviceUUID($0.uuid) }
        }
    }

    public func startService(_ uuid: ServiceUUID) async throws -> PowerOutcome {
        try await Self.orchestratorErrors { try await self.client.startService(uuid) ? .queued : .alreadyDone }
    }

    public func stopService(_ uuid: ServiceUUID) async throws -> PowerOutcome {
        try await Self.orchestratorErrors { try await self.client.stopService(uuid) ? .queued : .alreadyDone }
    }

    public func deleteService(_ uuid: ServiceUUID) async throws {
        try await Self.orchestratorErrors { try await self.client.deleteService(uuid) }
    }

    public func deployApplication(_ uuid: ApplicationUUID) async throws -> QueuedDeploy {
        try await Self.orchestratorErrors {
            let queued = try await self.client.deploy(application: uuid.rawValue)
            return QueuedDeploy(deploymentUUID: queued.deploymentUUID, alreadyQueued: queued.alreadyQueued)
        }
    }

    public func deployment(_ uuid: String) async throws -> DeploymentReport {
        try await Self.orchestratorErrors {
            let read = try await self.client.deployment(uuid)
            let status = read.status ?? "unknown"
            let phase: DeploymentReport.Phase = switch status {
            case "finished": .succeeded
            case "failed", "cancelled-by-user": .failed
            default: .running
            }
            return DeploymentReport(phase: phase, status: status, url: read.deployment_url)
        }
    }

    public func serviceStatus(_ uuid: ServiceUUID) async throws -> ServiceStatus {
        try await Self.orchestratorErrors { CoolifyStatus.status(try await self.client.service(uuid).status ?? "unknown") }
    }

    /// Runs a client call, turning the ``GatewayError`` it throws into the ``OrchestratorError`` the port promises.
    static func orchestratorErrors<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as GatewayError {
            throw OrchestratorError(coolify: error)
        }
    }

    // MARK: Coolify projects

    /// The name of a gateway project's own Coolify project: `vibn_{workspace}_{project}`. A workspace slug never holds
    /// `_` (project ids may), so the first `_` after `vibn_` ends the workspace and no two pairs share a name, where
    /// `vibn-{workspace}-{project}` was ambiguous (`a-b` + `c` and `a` + `b-c`).
    static func projectName(_ identity: ServiceIdentity) -> String { "vibn_\(identity.workspace)_\(identity.project)" }

    /// The configured Coolify project, or the gateway project's own one (found by name, else created).
    func projectUUID(for identity: ServiceIdentity) async throws -> String {
        if let configured = self.client.configuration.projectUUID { return configured }
        let name = Self.projectName(identity)
        if let existing = try await self.client.projects().first(where: { $0.name == name }) { return existing.uuid }
        return try await self.client.createProject(
            name: name, description: "Vibn project \(identity.workspace)/\(identity.project) (\(identity.projectSlug))"
        )
    }
}
