import Foundation
import Logging

/// How ships are made: git's identity for their commits, and how long each step may take.
public struct ShipSettings: Sendable, Equatable {
    public var authorName: String
    public var authorEmail: String
    /// How often deploying ships are checked with the orchestrator when no webhook came.
    public var pollInterval: Duration
    /// How long a deployment may take before its ship fails.
    public var deployTimeout: Duration

    public init(authorName: String = "Vibn", authorEmail: String = "vibn-bot@vibnai.com", pollInterval: Duration = .seconds(10),
                deployTimeout: Duration = .seconds(30 * 60)) {
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.pollInterval = pollInterval
        self.deployTimeout = deployTimeout
    }

    /// How long a ship may stay `pushing` before it is failed (its replica stopped): well past the push's limit.
    var pushLimit: TimeInterval { 300 }
}

/// Ships a project: commits the container's working tree on its branch, pushes it to `origin`, asks the orchestrator
/// to deploy the project's Application, and ends the ship when the deployment's webhook (or a poll) says how it went.
/// One ship of a project at a time (the store's partial unique index).
public struct Shipper: Sendable {
    let store: any StoreQueries
    let changes: any StateChanges
    let orchestrator: any Orchestrator
    let shell: (any ContainerShell)?
    let waker: ContainerWaker
    let settings: ShipSettings
    let clock: any WallClock
    let logger: Logger

    var directory: ProjectDirectory { ProjectDirectory(store: self.store, clock: self.clock) }

    /// Records the Application the project's ships deploy.
    /// - Throws: ``GatewayError`` `no_container`.
    public func setApplication(_ uuid: ApplicationUUID, workspace: WorkspaceSlug, project: ProjectID) async throws {
        guard try await self.store.setApplication(uuid, project: project, workspace: workspace) else { throw GatewayError.noContainer(project) }
    }

    /// Starts a ship and returns it (`pushing`); the push and the deploy go on after the answer.
    /// - Throws: ``GatewayError`` `ssh_not_configured`, `no_container`, `no_application`, `ship_in_progress` (409, naming
    ///   the running ship), `invalid_branch`.
    public func start(workspace: WorkspaceSlug, project: ProjectID, branch: String?, message: String?) async throws -> ShipRecord {
        guard self.shell != nil else { throw GatewayError.sshNotConfigured }
        if let branch, !GitBranchName.isValid(branch) {
            throw ValidationError(field: "branch", message: "must be \(GitBranchName.formatDescription)")
        }
        guard let container = try await self.directory.container(workspace: workspace, project: project) else {
            throw GatewayError.noContainer(project)
        }
        guard let application = try await self.store.application(of: project) else { throw GatewayError.noApplication(project) }
        let now = self.clock.now
        let started = try await self.changes.startShip(ShipRecord(
            id: .random(), projectID: project, workspace: workspace, state: .pushing, branch: branch,
            message: message ?? "Ship from vibn", applicationUUID: application, createdAt: now, updatedAt: now
        ))
        guard started.inserted else { throw GatewayError.shipInProgress(started.record) }
        let ship = started.record
        Task { await self.run(ship, container: container) }
        return ship
    }

    /// The ship `id` of the workspace's project.
    /// - Throws: ``GatewayError`` `no_container` (another workspace's project), `ship_not_found`.
    public func ship(_ id: ShipID, workspace: WorkspaceSlug, project: ProjectID) async throws -> ShipRecord {
        guard try await self.directory.container(workspace: workspace, project: project) != nil else { throw GatewayError.noContainer(project) }
        guard let ship = try await self.store.ship(id, project: project) else { throw GatewayError.shipNotFound(id) }
        return ship
    }

    /// Pushes, then asks for the deploy; a failure ends the ship with its reason.
    func run(_ ship: ShipRecord, container: ContainerRecord) async {
        do {
            let awake = try await self.waker.awake(container)
            guard let shell = self.shell, let service = awake.serviceUUID, let slug = awake.projectSlug else {
                throw StepFailure("the container has no service or slug yet")
            }
            let script = ShipScript(slug: slug, branch: ship.branch, message: ship.message)
            let pushed = try ShipScript.outcome(
                try await shell.exec(script.request(author: (self.settings.authorName, self.settings.authorEmail)), in: service)
            ).get()
            let queued: QueuedDeploy
            do {
                queued = try await self.orchestrator.deployApplication(ship.applicationUUID)
            } catch {
                try await self.end(ship, from: .pushing, progress: ShipProgress(branch: pushed.branch, commit: pushed.commit, committed: pushed.committed,
                                                                             reason: "Coolify refused the deploy: \(Self.describe(error))"))
                return
            }
            // An "already queued" answer names no stored deployment: the ship then waits for the Application's webhook.
            _ = try await self.changes.transitionShip(ship.id, from: .pushing, to: .deploying, progress: ShipProgress(
                branch: pushed.branch, commit: pushed.commit, committed: pushed.committed,
                deploymentUUID: queued.alreadyQueued ? nil : queued.deploymentUUID
            ), at: self.clock.now)
        } catch {
            try? await self.end(ship, from: .pushing, progress: ShipProgress(reason: Self.describe(error)))
        }
    }

    /// Ends a ship as failed (logged).
    func end(_ ship: ShipRecord, from: ShipState, progress: ShipProgress) async throws {
        self.logger.warning("ship failed", metadata: ["project.id": "\(ship.projectID)", "ship.id": "\(ship.id)", "reason": "\(progress.reason ?? "-")"])
        _ = try await self.changes.transitionShip(ship.id, from: from, to: .failed, progress: progress, at: self.clock.now)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as StepFailure: failure.reason
        case let error as OrchestratorError: error.error.message
        case let error as GatewayError: error.message
        default: "\(error)"
        }
    }
}

extension GatewayError {
    static func noApplication(_ project: ProjectID) -> GatewayError {
        GatewayError(.conflict, code: Code("no_application"), message: "Project '\(project)' has no Coolify Application to deploy.",
                     hint: "Record it first: PUT …/application {\"uuid\"}.")
    }

    static func shipInProgress(_ ship: ShipRecord) -> GatewayError {
        GatewayError(.conflict, code: Code("ship_in_progress"),
                     message: "Ship \(ship.id) of project '\(ship.projectID)' is still \(ship.state.rawValue); one ship at a time.",
                     hint: "Follow it with GET …/ships/\(ship.id), then ship again.")
    }

    static func shipNotFound(_ id: ShipID) -> GatewayError {
        GatewayError(.notFound, code: Code("ship_not_found"), message: "No ship '\(id)' of this project.", hint: "Use the id POST …/ship answered.")
    }
}
