/// One command to run inside a project's dev container.
public struct ExecRequest: Sendable, Equatable {
    /// The shell command, run as one unit by `sh -c` in ``cwd`` with ``env`` exported.
    public var command: String
    /// Working directory inside the container.
    public var cwd: String
    /// Extra environment; keys must match `[A-Za-z_][A-Za-z0-9_]*`.
    public var env: [String: String]
    /// The container user.
    public var user: String
    /// Bytes fed to the command's standard input, if any.
    public var stdin: [UInt8]?
    /// How long the command may run; on expiry the remote process is killed too.
    public var timeout: Duration
    /// Cap on each of stdout and stderr; past it, head and tail are kept with a marker between.
    public var maxBytes: Int

    public static let defaultCwd = "/workspace"
    public static let defaultUser = "vibn"
    public static let defaultTimeout = Duration.seconds(60)
    public static let defaultMaxBytes = 256 * 1024

    public init(
        command: String,
        cwd: String = ExecRequest.defaultCwd,
        env: [String: String] = [:],
        user: String = ExecRequest.defaultUser,
        stdin: [UInt8]? = nil,
        timeout: Duration = ExecRequest.defaultTimeout,
        maxBytes: Int = ExecRequest.defaultMaxBytes
    ) {
        self.command = command
        self.cwd = cwd
        self.env = env
        self.user = user
        self.stdin = stdin
        self.timeout = timeout
        self.maxBytes = maxBytes
    }
}

/// What a command inside a container did.
public struct ExecResult: Sendable, Equatable {
    /// The exit code, or nil when the command timed out.
    public var exitCode: Int32?
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// Whether either stream was cut to the cap.
    public var truncated: Bool
    public var timedOut: Bool
    public var durationMs: Int

    public init(exitCode: Int32?, stdout: [UInt8], stderr: [UInt8], truncated: Bool, timedOut: Bool, durationMs: Int) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.truncated = truncated
        self.timedOut = timedOut
        self.durationMs = durationMs
    }
}

/// The port through which core code runs commands inside dev containers (implemented by `SSHExec`).
public protocol ContainerShell: Sendable {
    /// Runs `request` inside the `vibn-dev` container of the Coolify service `service`.
    /// - Throws: ``GatewayError`` `container_not_found` when the host runs no such container,
    ///   `ssh_unreachable` when the host cannot be reached (never a hang: the connect timeout applies).
    func exec(_ request: ExecRequest, in service: ServiceUUID) async throws -> ExecResult

    /// Whether the host runs the `vibn-dev` container of `service` now (`docker ps`, never a cached answer): what
    /// the lifecycle checks before it believes a stopped status or a stop report.
    /// - Throws: ``GatewayError`` `ssh_unreachable` or `docker_failed` when the host cannot tell.
    func containerRuns(_ service: ServiceUUID) async throws -> Bool
}

extension GatewayError {
    /// The seed's message when SSH to the Coolify host is not configured.
    public static let sshNotConfigured = GatewayError(
        .unavailable,
        code: .sshNotConfigured,
        message: "Dev workspace unavailable: Coolify SSH is not configured on this server. Set COOLIFY_SSH_HOST and COOLIFY_SSH_PRIVATE_KEY_B64.",
        hint: "Local-only: set VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH=true to skip this check."
    )
}
