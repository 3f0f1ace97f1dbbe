import Foundation
import Logging

// MARK: - Relaunch after a resume, lost probes

extension DevServerSupervisor {
    /// How many rows one scan takes from the store.
    static let scanLimit = 500

    /// One pass over the store: relaunches the servers awaiting it, a project at a time and projects concurrently,
    /// and probes again the `starting` servers whose probe was lost: on the `first` pass all of them (this replica
    /// may have crashed with their probes), later the ones older than the readiness limit (another replica's).
    func scan(first: Bool) async {
        do {
            let awaiting = try await self.store.devServersAwaitingRelaunch(project: nil, limit: Self.scanLimit)
            await withTaskGroup(of: Void.self) { group in
                for project in Set(awaiting.map(\.projectID)) {
                    group.addTask { await self.relaunch(project: project) }
                }
            }
            let cutoff = first ? nil : self.clock.now.addingTimeInterval(-(self.readinessLimit + self.scanInterval).timeInterval)
            for server in try await self.store.startingDevServers(startedBefore: cutoff, limit: Self.scanLimit) {
                self.queue.enqueue(.probe(server))
            }
        } catch {
            self.logger.error("scanning for dev servers to relaunch or probe failed", metadata: ["error": "\(error)"])
        }
    }

    /// Brings back the project's servers awaiting a relaunch, taking turns with its dev-server starts (here and on
    /// other replicas). When another replica keeps the project busy, the next scan tries again.
    func relaunch(project: ProjectID) async {
        do {
            try await self.exclusion.run(project) {
                guard let service = try await self.runningService(of: project) else { return }
                for server in try await self.store.devServersAwaitingRelaunch(project: project, limit: Self.scanLimit) {
                    await self.restart(server, in: service)
                }
            }
        } catch {
            self.logger.warning("relaunching a resumed container's dev servers failed; the next scan retries", metadata: [
                "project.id": "\(project)", "error": "\(error)",
            ])
        }
    }

    /// Restarts one server awaiting its relaunch: a server whose group is still alive and ours is left alone; any
    /// other is launched again with its id, command and port (a new pid, `starting`, probed again), or marked
    /// `stopped` when that fails, so no preview route points at nothing. Each outcome takes it off the queue.
    func restart(_ server: DevServerRecord, in service: ServiceUUID) async {
        let metadata: Logger.Metadata = ["dev_server.id": "\(server.id)", "project.id": "\(server.projectID)"]
        do {
            let result = try await self.execOnceUp(DevServerScript.relaunch(server), in: service, project: server.projectID)
            if result.exitCode == 0, DevServerScript.lines(result).last == "alive" {
                // Still running: a `starting` one lost its probe while the container was away.
                try await self.store.finishDevServerRelaunch(server.id, project: server.projectID)
                if server.state == .starting { self.queue.enqueue(.probe(server)) }
                return
            }
            guard result.exitCode == 0, let pid = DevServerScript.launchedPID(result) else { throw GatewayError.launchFailed(result) }
            let relaunched = try await self.changes.relaunchDevServer(
                server.id, project: server.projectID, from: server.state, previousPID: server.pid, pid: pid, at: self.clock.now
            )
            if let relaunched {
                self.logger.info("dev server relaunched after a resume", metadata: metadata)
                self.queue.enqueue(.probe(relaunched))
            } else {
                // The row moved on meanwhile (stopped by its user): the new launch must not outlive it.
                var orphan = server
                orphan.pid = pid
                _ = try await self.shell.exec(DevServerScript.stop(orphan), in: service)
            }
        } catch {
            self.logger.warning("restarting a dev server after a resume failed; marking it stopped", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            _ = try? await self.changes.transitionDevServer(server.id, project: server.projectID, from: server.state, to: .stopped, at: self.clock.now)
        }
    }

    /// Runs `request` in a container that may still be starting: Coolify's start returns before the container
    /// exists, so "no such container" and an unreachable host are retried every ``interval`` until
    /// ``readinessLimit`` passes or the row stops being `running` (then the last error is thrown).
    func execOnceUp(_ request: ExecRequest, in service: ServiceUUID, project: ProjectID) async throws -> ExecResult {
        let deadline = ContinuousClock.now + self.readinessLimit
        while true {
            do {
                return try await self.shell.exec(request, in: service)
            } catch let error as GatewayError where [.containerNotFound, .sshUnreachable].contains(error.code) {
                let stillRunning = try await self.store.container(project)?.state == .running
                guard stillRunning, ContinuousClock.now + self.interval < deadline else { throw error }
                try await Task.sleep(for: self.interval)
            }
        }
    }
}
