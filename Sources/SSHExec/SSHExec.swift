import Foundation
import GatewayCore

/// The ssh-Process module: runs commands inside dev containers on the Coolify host with the system OpenSSH
/// client (`ssh … docker exec …`), over one multiplexed master connection.
public struct SSHExec: ContainerShell {
    private let client: SSHClient
    private let master: SSHMaster
    private let containers = ContainerNames()
    private let sessions: SessionGate

    /// Writes the key and known hosts into a fresh private directory under `parent`; connects on first use.
    /// - Throws: ``ValidationError`` for a bad setting, ``GatewayError`` `ssh_setup_failed` when files cannot be written.
    public init(_ configuration: SSHConfiguration, privateDirectoryParent parent: String = NSTemporaryDirectory()) throws {
        try configuration.validate()
        let parent = parent.hasSuffix("/") ? String(parent.dropLast()) : parent
        let directory = try SSHPrivateDirectory.create(in: parent, configuration: configuration)
        self.client = SSHClient(configuration: configuration, directory: directory)
        self.master = SSHMaster(client: self.client)
        self.sessions = SessionGate(capacity: configuration.maxSessions, queueTimeout: configuration.queueTimeout)
    }

    /// The control socket of the multiplexed master (for diagnostics and tests).
    public var controlPath: String { self.client.directory.controlPath }

    /// Stops the master connection and deletes the private directory with the key.
    public func close() async {
        await self.master.stop()
        self.client.directory.remove()
    }

    // MARK: - ContainerShell

    /// Runs `request` in the `vibn-dev` container of `service`; see ``ContainerShell/exec(_:in:)``.
    public func exec(_ request: ExecRequest, in service: ServiceUUID) async throws -> ExecResult {
        try request.validate()
        let container = try await self.container(of: service)
        // The local deadline is a backstop: `timeout` on the host ends the command on time.
        let limit = request.timeout + self.client.configuration.connectTimeout + .seconds(5)
        let outcome = try await self.run(RemoteCommand.exec(request, container: container), stdin: request.stdin,
                                         maxBytes: request.maxBytes, limit: limit)
        if SSHExecError.isContainerGone(outcome) {
            await self.containers.forget(service)
            throw SSHExecError.containerNotFound(service)
        }
        let timedOut = outcome.deadlineHit
            || (outcome.status.map(RemoteCommand.timeoutStatuses.contains) == true && outcome.duration >= request.timeout)
        return ExecResult(
            exitCode: timedOut ? nil : outcome.status,
            stdout: outcome.stdout.bytes,
            stderr: outcome.stderr.bytes,
            truncated: outcome.stdout.truncated || outcome.stderr.truncated,
            timedOut: timedOut,
            durationMs: Int(outcome.duration.milliseconds)
        )
    }

    /// Whether the host runs the service's `vibn-dev` container now; see ``ContainerShell/containerRuns(_:)``.
    public func containerRuns(_ service: ServiceUUID) async throws -> Bool {
        guard try await self.runningContainer(of: service) != nil else {
            await self.containers.forget(service)
            return false
        }
        return true
    }

    /// Runs a fixed command on the host itself, outside any container (each argument quoted), for checks such as
    /// `vibn-gateway doctor`: its exit status and its standard output and error, each cut at 64 KiB.
    /// - Throws: ``SSHExecError`` when the host cannot be reached (wrong address, key or host key).
    public func hostCommand(_ arguments: [String], limit: Duration = .seconds(20)) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let outcome = try await self.run(ShellQuote.join(arguments), stdin: nil, maxBytes: 64 * 1024, limit: limit)
        return (outcome.status, String(decoding: outcome.stdout.bytes, as: UTF8.self), String(decoding: outcome.stderr.bytes, as: UTF8.self))
    }

    // MARK: - Internals

    /// The service's running `vibn-dev` container: cached, else looked up by its exact name with `docker ps`.
    private func container(of service: ServiceUUID) async throws -> String {
        if let name = await self.containers.name(of: service) { return name }
        guard let name = try await self.runningContainer(of: service) else { throw SSHExecError.containerNotFound(service) }
        return name
    }

    /// Looks the service's `vibn-dev` container up by its exact name with `docker ps` (running ones only), and
    /// remembers it; nil when it does not run.
    private func runningContainer(of service: ServiceUUID) async throws -> String? {
        let outcome = try await self.run(RemoteCommand.findContainer(service), stdin: nil, maxBytes: 64 * 1024,
                                         limit: self.client.configuration.connectTimeout + .seconds(15))
        let expected = service.devContainerName
        guard outcome.status == 0 else {
            throw GatewayError(.upstream, code: .dockerFailed,
                               message: "docker ps failed on the Coolify host: \(SSHExecError.lastLine(outcome.stderr.bytes))")
        }
        // Only the exact name counts: the service's own container, never one whose name merely contains the uuid.
        let names = String(decoding: outcome.stdout.bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard names.contains(where: { $0 == expected }) else { return nil }
        await self.containers.remember(expected, for: service)
        return expected
    }

    /// Runs `remoteCommand` on the host through the master, starting or replacing the master first if needed, once
    /// one of the host's sessions is free.
    private func run(_ remoteCommand: String, stdin: [UInt8]?, maxBytes: Int, limit: Duration) async throws -> SSHOutcome {
        try await self.master.ensureRunning()
        let client = self.client
        let outcome = try await self.sessions.withSlot {
            try await client.run(client.commandArguments(remoteCommand), stdin: stdin, maxBytes: maxBytes, limit: limit)
        }
        if SSHExecError.isSSHFailure(outcome) {
            throw SSHExecError.unreachable(self.client.configuration, detail: SSHExecError.lastLine(outcome.stderr.bytes))
        }
        return outcome
    }
}

/// The container name of each service seen running; forgotten when docker says the container is gone.
actor ContainerNames {
    private var names: [ServiceUUID: String] = [:]

    func name(of service: ServiceUUID) -> String? { self.names[service] }
    func remember(_ name: String, for service: ServiceUUID) { self.names[service] = name }
    func forget(_ service: ServiceUUID) { self.names[service] = nil }
}
