import GatewayCore
import Subprocess
import SystemPackage

/// What one `ssh` run produced.
struct SSHOutcome: Sendable {
    /// The exit status of `ssh` (the remote command's, or 255 for an SSH failure); nil when it was killed.
    var status: Int32?
    var stdout: CappedOutput
    var stderr: CappedOutput
    /// Whether the local deadline ended the run.
    var deadlineHit: Bool
    var duration: Duration
}

/// Runs the OpenSSH client against one host with the gateway's fixed options.
struct SSHClient: Sendable {
    let configuration: SSHConfiguration
    let directory: SSHPrivateDirectory

    // MARK: - Command lines

    /// Options every invocation shares: no user config, batch mode, host keys checked against our file,
    /// our key only, and the control socket of the multiplexed master.
    var commonArguments: [String] {
        [
            "-F", "/dev/null",
            "-i", self.directory.keyPath,
            "-p", String(self.configuration.port),
            "-l", self.configuration.user,
            "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-o", "ConnectTimeout=\(max(1, self.configuration.connectTimeout.components.seconds))",
            "-o", "StrictHostKeyChecking=\(self.configuration.firstContact.optionValue)",
            "-o", "UserKnownHostsFile=\(self.knownHostsFiles)",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ControlPath=\(self.directory.controlPath)",
            "-o", "ControlPersist=\(max(1, self.configuration.controlPersist.components.seconds))",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
            "-T",
        ]
    }

    /// The known-hosts files: the configured lines, and first (where `accept-new` records what it learns) the file
    /// that keeps learned keys across restarts.
    var knownHostsFiles: String {
        guard self.configuration.firstContact == .acceptNew, let learned = self.configuration.learnedHostsFile else {
            return self.directory.knownHostsPath
        }
        return learned + " " + self.directory.knownHostsPath
    }

    /// Starts the master in the background (`-f`) once it has authenticated.
    var masterArguments: [String] {
        self.commonArguments + ["-o", "ControlMaster=yes", "-N", "-f", "--", self.configuration.host]
    }

    /// Asks the master to exit.
    var exitArguments: [String] {
        self.commonArguments + ["-O", "exit", "--", self.configuration.host]
    }

    /// Runs `remoteCommand` through the master. Only ``SSHMaster`` creates masters; should the master die between its
    /// check and this call, `ssh` falls back to a connection of its own, so the command still runs.
    func commandArguments(_ remoteCommand: String) -> [String] {
        self.commonArguments + ["-o", "ControlMaster=no", "--", self.configuration.host, remoteCommand]
    }

    // MARK: - Running

    /// How often a connection that sshd dropped before the SSH handshake is tried again.
    static let startupAttempts = 5

    /// Runs `ssh` with `arguments`, feeding `stdin`, keeping at most `maxBytes` of each stream, and killing it when
    /// `limit` passes.
    ///
    /// A stock sshd drops new connections at random once 10 are being set up (`MaxStartups 10:30:100`), before the
    /// handshake, so before any remote command ran: such a refusal is tried again after a short, growing, jittered
    /// pause, up to ``startupAttempts`` times.
    func run(_ arguments: [String], stdin: [UInt8]?, maxBytes: Int, limit: Duration) async throws -> SSHOutcome {
        var attempt = 1
        while true {
            let outcome = try await self.runOnce(arguments, stdin: stdin, maxBytes: maxBytes, limit: limit)
            guard attempt < Self.startupAttempts, SSHExecError.isStartupRefusal(outcome) else { return outcome }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...100) << attempt))
            attempt += 1
        }
    }

    /// One run of `ssh`; see ``run(_:stdin:maxBytes:limit:)``.
    private func runOnce(_ arguments: [String], stdin: [UInt8]?, maxBytes: Int, limit: Duration) async throws -> SSHOutcome {
        let configuration = Configuration(executable: .name(self.configuration.sshExecutable), arguments: Arguments(arguments))
        let clock = ContinuousClock()
        let started = clock.now
        do {
            // Standard input comes from an unlinked file, never a pipe the gateway writes: when `ssh` exits before
            // reading a piped input (the command ignored it, or sshd dropped the connection), the write ends in
            // SIGPIPE or a trap of swift-subprocess ("FileDescriptor … was not closed").
            let input = try stdin.map { try self.directory.readableFile(holding: $0) }
            let outcome = try await withDeadline(limit) {
                if let input {
                    return try await Self.collect(configuration, input: .fileDescriptor(input, closeAfterSpawningProcess: true), maxBytes: maxBytes)
                }
                return try await Self.collect(configuration, input: .none, maxBytes: maxBytes)
            }
            return SSHOutcome(
                status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr,
                deadlineHit: false, duration: clock.now - started
            )
        } catch is DeadlineExceeded {
            return SSHOutcome(
                status: nil, stdout: CappedOutput(cap: maxBytes), stderr: CappedOutput(cap: maxBytes),
                deadlineHit: true, duration: clock.now - started
            )
        } catch let error as SubprocessError {
            throw GatewayError(
                .unavailable, code: .sshUnavailable,
                message: "Cannot run the OpenSSH client '\(self.configuration.sshExecutable)': \(error).",
                hint: "Install openssh-client on the gateway host."
            )
        }
    }

    private static func collect(
        _ configuration: Configuration,
        input: some InputProtocol,
        maxBytes: Int
    ) async throws -> (status: Int32?, stdout: CappedOutput, stderr: CappedOutput) {
        let result = try await Subprocess.run(configuration, input: input, output: .sequence, error: .sequence) { execution in
            async let stdout = Self.drain(execution.standardOutput, maxBytes: maxBytes)
            async let stderr = Self.drain(execution.standardError, maxBytes: maxBytes)
            return try await (stdout, stderr)
        }
        let status: Int32? = if case .exited(let code) = result.terminationStatus { code } else { nil }
        return (status, result.closureResult.0, result.closureResult.1)
    }

    private static func drain(_ sequence: SubprocessOutputSequence, maxBytes: Int) async throws -> CappedOutput {
        var output = CappedOutput(cap: maxBytes)
        for try await buffer in sequence {
            buffer.withUnsafeBytes { output.append($0) }
        }
        return output
    }
}
