import Foundation

/// Work on a suspended container resumes it first, as the seed's `execInDevContainer` did: one Coolify start
/// however many callers (across replicas too), within the quota, then a bounded wait until the container answers.
public struct ContainerWaker: Sendable {
    /// The lifecycle that starts containers, and one resume of a project at a time; nil when Coolify is not
    /// configured (nothing is resumed).
    let resumer: (lifecycle: ContainerLifecycle, exclusion: ProjectExclusion)?
    let shell: (any ContainerShell)?
    /// How long a caller waits for a resumed container to answer.
    let wait: Duration
    /// The pause between two checks.
    let interval: Duration

    public init(lifecycle: ContainerLifecycle?, shell: (any ContainerShell)?, replicaID: String, wait: Duration = .seconds(90), interval: Duration = .seconds(1)) {
        self.resumer = lifecycle.map { lifecycle in
            (lifecycle, ProjectExclusion(purpose: .resume, store: lifecycle.store, owner: replicaID, leaseDuration: wait * 2, wait: wait))
        }
        self.shell = shell
        self.wait = wait
        self.interval = interval
    }

    /// `record` as it is once its container runs: a suspended one is resumed and waited for; any other is returned as is.
    /// - Throws: ``GatewayError`` `quota_exceeded`, `container_starting` (503: it did not answer in time), or what
    ///   resuming throws.
    public func awake(_ record: ContainerRecord) async throws -> ContainerRecord {
        guard record.state == .suspended, let (lifecycle, exclusion) = self.resumer else { return record }
        let running = try await exclusion.run(record.projectID) {
            // Another caller may have resumed it while this one waited.
            let current = try await lifecycle.current(record)
            guard current.state == .suspended else { return current }
            return try await lifecycle.start(current)
        }
        try await self.waitUntilUp(running)
        return running
    }

    /// Polls the container with a cheap exec until it answers (Coolify's start returns before the container exists).
    func waitUntilUp(_ record: ContainerRecord) async throws {
        guard let shell = self.shell, let service = record.serviceUUID else { return }
        let deadline = ContinuousClock.now + self.wait
        while true {
            do {
                _ = try await shell.exec(ExecRequest(command: "true", timeout: .seconds(5)), in: service)
                return
            } catch let error as GatewayError where [.containerNotFound, .sshUnreachable].contains(error.code) {
                guard ContinuousClock.now + self.interval < deadline else { throw GatewayError.containerStarting(record.projectID) }
                try await Task.sleep(for: self.interval)
            }
        }
    }
}

extension GatewayError {
    /// The resumed container did not answer within the wait.
    static func containerStarting(_ project: ProjectID) -> GatewayError {
        GatewayError(
            .unavailable, code: .containerStarting,
            message: "Project '\(project)''s container was resumed but does not answer yet.",
            hint: "Retry shortly.", retryAfterSeconds: 10
        )
    }
}
