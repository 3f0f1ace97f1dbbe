import Foundation
import Logging

/// Moves a project's container to another server: saves the workspace to the autosave branches, suspends the
/// container, creates a service on the target server, restores the workspace there and switches the row to it;
/// or, when a step fails, leaves everything as it was and says which step failed.
///
/// Files outside the git repository of `/workspace/{slug}` (and ignored ones, such as `node_modules`) do not move:
/// only what an autosave holds does.
public struct ContainerMover: Sendable {
    let lifecycle: ContainerLifecycle
    /// Saves the old container's files (without waking: the mover wakes it itself).
    let autosave: Autosave
    /// Wakes a suspended container for its save, and waits for the new one to answer.
    let waker: ContainerWaker
    let shell: (any ContainerShell)?

    public init(lifecycle: ContainerLifecycle, autosave: Autosave, waker: ContainerWaker, shell: (any ContainerShell)?) {
        self.lifecycle = lifecycle
        self.autosave = autosave
        self.waker = waker
        self.shell = shell
    }

    /// Moves the container of `project` to `target`; one already there is returned as is. A running container ends
    /// running on the target, a suspended one suspended.
    /// - Throws: ``GatewayError`` `server_unknown`, `server_draining`, `capacity_exhausted` (the target is full),
    ///   `container_*` (not running or suspended), `move_needs_git`, `autosave_failed`, `move_failed` (a later step
    ///   failed and was undone), `ssh_not_configured`, `no_container`.
    public func move(workspace: WorkspaceSlug, project: ProjectID, to target: ServerName) async throws -> ContainerStatus {
        guard let shell = self.shell else { throw GatewayError.sshNotConfigured }
        let record = try await self.lifecycle.requireContainer(workspace: workspace, project: project)
        guard record.server != target else { return try await self.lifecycle.status(workspace: workspace, project: project) }
        let slot = try await self.checkTarget(target)
        guard [.running, .suspended].contains(record.state), let oldService = record.serviceUUID, let slug = record.projectSlug else {
            throw GatewayError.containerBusy(project, state: record.state, operation: "be moved")
        }
        let wasRunning = record.state == .running

        // 1. The workspace, saved: the commit to vibn-autosave/head, the files to vibn-autosave/main.
        let awake = try await self.waker.awake(record)
        let scripts = MoveScripts(slug: slug)
        let prepared = try await shell.exec(MoveScripts.request(scripts.prepare), in: oldService)
        let repository: MoveScripts.Repository
        do {
            guard let found = try MoveScripts.repository(from: prepared) else { throw GatewayError.moveNeedsGit(project, slug: slug) }
            repository = found
        } catch let failure as MoveScripts.Failure {
            throw GatewayError.moveFailed(project, target: target, step: "pushing the commit to \(MoveScripts.headBranch)", failure)
        }
        _ = try await self.autosave.save(awake, force: true)

        // 2.–3. While the container is suspended no one resumes it (the waker's exclusion): its row changes service.
        let moved = try await self.whileSuspended(project) {
            try await self.relocate(
                record, from: oldService, to: slot, repository: repository, scripts: scripts, wasRunning: wasRunning, shell: shell
            )
        }

        // 4. The old service is no longer needed: its workspace is in the new one.
        do {
            try await self.lifecycle.orchestrator.deleteService(oldService)
        } catch {
            self.lifecycle.logger.warning("moved, but the old service was not deleted; delete it in Coolify", metadata: [
                "project.id": "\(project)", "coolify.service": "\(oldService)", "error": "\(error)",
            ])
        }
        self.lifecycle.logger.notice("moved a container", metadata: [
            "project.id": "\(project)", "server.from": "\(record.server)", "server.to": "\(target)", "coolify.service": "\(moved.service)", "autosave.commit": "\(moved.commit)",
        ])
        return try await self.lifecycle.status(workspace: workspace, project: project)
    }

    /// Steps 2 and 3 of a move: stops the old container, creates and restores the new one and switches the row, or
    /// undoes what it did.
    /// - Returns: The new service and the autosave commit it was restored from.
    private func relocate(
        _ record: ContainerRecord, from oldService: ServiceUUID, to slot: ServerSlot, repository: MoveScripts.Repository,
        scripts: MoveScripts, wasRunning: Bool, shell: any ContainerShell
    ) async throws -> (service: ServiceUUID, commit: String) {
        let (project, target, slug) = (record.projectID, slot.name, scripts.slug)
        // 2. The old container stops (its suspend saves once more what changed meanwhile).
        _ = try await self.lifecycle.suspend(workspace: record.workspace, project: project)
        guard let commit = try await self.lifecycle.store.lastPushedAutosave(project: project)?.commit else {
            throw GatewayError.moveFailed(project, target: target, step: "finding the autosave", StepFailure("no pushed autosave is recorded"))
        }

        // 3. The new service on the target; the row points to it while it is restored, still suspended.
        let newService: ServiceUUID
        do {
            var placed = record
            placed.server = target
            newService = try await self.lifecycle.orchestrator.createService(
                try await self.lifecycle.serviceSpec(placed, slug: slug, displayName: slug.rawValue, start: true)
            )
        } catch {
            await self.restart(record, if: wasRunning)
            throw GatewayError.moveFailed(project, target: target, step: "creating the service on '\(target)'", error)
        }
        guard var switched = try await self.lifecycle.changes.switchContainer(project, from: oldService, to: newService, on: target) else {
            try? await self.lifecycle.orchestrator.deleteService(newService)
            throw GatewayError.moveFailed(project, target: target, step: "switching the row", StepFailure("the container changed meanwhile"))
        }
        do {
            try await self.waker.waitUntilUp(switched)
            try MoveScripts.restored(try await shell.exec(MoveScripts.request(scripts.restore(repository, commit: commit)), in: newService))
            if wasRunning {
                switched = try await self.lifecycle.updated(
                    self.lifecycle.changes.transitionContainer(
                        project, from: .suspended, to: .running, at: self.lifecycle.clock.now,
                        withinQuota: self.lifecycle.settings.quotaPerWorkspace, on: slot
                    ),
                    else: switched
                )
            } else {
                try await self.lifecycle.orchestrator.stopService(newService)
            }
        } catch {
            // Undone: the row back on the old service (still suspended), the new service gone, the old one as it was.
            _ = try? await self.lifecycle.changes.switchContainer(project, from: newService, to: oldService, on: record.server)
            try? await self.lifecycle.orchestrator.deleteService(newService)
            await self.restart(record, if: wasRunning)
            throw GatewayError.moveFailed(project, target: target, step: "restoring the workspace on '\(target)'", error)
        }
        return (newService, commit)
    }

    /// Runs `body` holding the project's resume exclusion, so no waker starts the container meanwhile.
    private func whileSuspended<T: Sendable>(_ project: ProjectID, _ body: @Sendable () async throws -> T) async throws -> T {
        guard let exclusion = self.waker.resumer?.exclusion else { return try await body() }
        return try await exclusion.run(project, body)
    }

    /// The target's slot, when it may take the container now.
    func checkTarget(_ target: ServerName) async throws -> ServerSlot {
        let servers = self.lifecycle.servers.current
        guard let slot = servers.first(where: { $0.name == target }) else {
            throw GatewayError.serverUnknown(target, listed: servers.map(\.name))
        }
        guard !slot.draining else { throw GatewayError.serverDraining(target) }
        let active = try await self.lifecycle.store.activeContainersPerServer()[target, default: 0]
        guard slot.admits(active + 1) else { throw GatewayError.serverFull(slot) }
        return slot
    }

    /// Starts the old container again after a failed move, when it was running before (best effort: logged).
    func restart(_ record: ContainerRecord, if wasRunning: Bool) async {
        guard wasRunning else { return }
        do {
            _ = try await self.lifecycle.start(try await self.lifecycle.current(record))
        } catch {
            self.lifecycle.logger.error("a failed move could not start the old container again", metadata: [
                "project.id": "\(record.projectID)", "error": "\(error)",
            ])
        }
    }
}

extension GatewayError {
    static func serverUnknown(_ server: ServerName, listed: [ServerName]) -> GatewayError {
        GatewayError(
            .notFound, code: Code("server_unknown"),
            message: "Server '\(server)' is not in the server list (\(listed.map(\.rawValue).joined(separator: ", "))).",
            hint: "Name a server of VIBN_SERVERS_FILE."
        )
    }

    static func serverDraining(_ server: ServerName) -> GatewayError {
        GatewayError(.conflict, code: Code("server_draining"), message: "Server '\(server)' is draining: it takes no container.",
                     hint: "Move the project to a server that is not draining.")
    }

    static func moveNeedsGit(_ project: ProjectID, slug: ProjectSlug) -> GatewayError {
        GatewayError(
            .conflict, code: Code("move_needs_git"),
            message: "Project '\(project)' has no git repository at /workspace/\(slug): a move carries the workspace through its autosave branches, so it would lose it. Nothing changed.",
            hint: "Initialise /workspace/\(slug) as a git repository with an 'origin' the container can push to."
        )
    }

    static func moveFailed(_ project: ProjectID, target: ServerName, step: String, _ error: any Error) -> GatewayError {
        let reason = (error as? GatewayError)?.message ?? "\(error)"
        return GatewayError(
            .upstream, code: Code("move_failed"),
            message: "Moving project '\(project)' to '\(target)' failed at \(step): \(reason). The container stays where it was.",
            hint: "Fix the cause and move again; the workspace is saved on the autosave branches."
        )
    }
}
