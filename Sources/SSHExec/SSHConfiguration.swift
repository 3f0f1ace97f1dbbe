import GatewayCore

/// How to reach the Coolify host over SSH.
public struct SSHConfiguration: Sendable {
    /// What `ssh` does with a host key it has never seen.
    public enum FirstContact: String, Sendable, CaseIterable {
        /// Only keys in ``SSHConfiguration/knownHosts`` are accepted (`StrictHostKeyChecking=yes`).
        case strict
        /// An unknown host's key is recorded and trusted on first contact; a changed key is still refused
        /// (`StrictHostKeyChecking=accept-new`). Only when the operator asks for it.
        case acceptNew = "accept-new"

        var optionValue: String { self == .strict ? "yes" : "accept-new" }
    }

    public var host: String
    public var port: Int
    public var user: String
    /// The private key file's bytes (OpenSSH or PEM format).
    public var privateKey: [UInt8]
    /// `known_hosts` lines for the host.
    public var knownHosts: String
    public var firstContact: FirstContact
    /// How long `ssh` may take to connect before it gives up.
    public var connectTimeout: Duration
    /// How long the multiplexed master connection stays up after its last session.
    public var controlPersist: Duration
    /// The `ssh` client to run: a name looked up on `PATH`, or a path.
    public var sshExecutable: String
    /// At most this many commands run on the host at once (each is one session of the multiplexed connection);
    /// keep it below sshd's `MaxSessions` (10 by default) and `MaxStartups` (10).
    public var maxSessions: Int
    /// How long a command waits for a free session before it fails with `ssh_busy`.
    public var queueTimeout: Duration
    /// With ``FirstContact/acceptNew``: the file (absolute path) where a host key learned on first contact is kept,
    /// so that after a restart a changed key is still refused. nil: learned keys last only as long as the process.
    public var learnedHostsFile: String?

    /// The default of ``maxSessions``: two under a stock sshd's `MaxSessions 10`, which leaves room for an operator.
    public static let defaultMaxSessions = 8

    public static let defaultUser = "root"
    public static let defaultPort = 22

    public init(
        host: String,
        port: Int = SSHConfiguration.defaultPort,
        user: String = SSHConfiguration.defaultUser,
        privateKey: [UInt8],
        knownHosts: String,
        firstContact: FirstContact = .strict,
        connectTimeout: Duration = .seconds(5),
        controlPersist: Duration = .seconds(600),
        sshExecutable: String = "ssh",
        maxSessions: Int = SSHConfiguration.defaultMaxSessions,
        queueTimeout: Duration = .seconds(30),
        learnedHostsFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.privateKey = privateKey
        self.knownHosts = knownHosts
        self.firstContact = firstContact
        self.connectTimeout = connectTimeout
        self.controlPersist = controlPersist
        self.sshExecutable = sshExecutable
        self.maxSessions = maxSessions
        self.queueTimeout = queueTimeout
        self.learnedHostsFile = learnedHostsFile
    }

    /// Checks what would otherwise reach the `ssh` command line.
    /// - Throws: ``ValidationError`` naming the setting.
    public func validate() throws {
        let hostBytes = self.host.utf8
        guard !hostBytes.isEmpty, hostBytes.count <= 253, hostBytes.first != UInt8(ascii: "-"),
              hostBytes.allSatisfy({ Self.isHostByte($0) })
        else {
            throw ValidationError(field: "COOLIFY_SSH_HOST", message: "must be a host name or IP address")
        }
        guard (1...65535).contains(self.port) else {
            throw ValidationError(field: "COOLIFY_SSH_PORT", message: "must be in 1-65535")
        }
        guard ExecRequest.isUserName(self.user) else {
            throw ValidationError(field: "COOLIFY_SSH_USER", message: "must be a user name: [a-z_][a-z0-9_-]*")
        }
        guard (1...64).contains(self.maxSessions) else {
            throw ValidationError(field: "VIBN_SSH_MAX_SESSIONS", message: "must be in 1-64 (and below sshd's MaxSessions)")
        }
        if let file = self.learnedHostsFile {
            // ssh reads the option as whitespace-separated paths with %-tokens: only plain absolute paths are passed.
            guard file.hasPrefix("/"), file.utf8.count <= 1024,
                  !file.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || [UInt8(ascii: "%"), UInt8(ascii: "\""), UInt8(ascii: "'")].contains($0) })
            else {
                throw ValidationError(field: "VIBN_SSH_LEARNED_HOSTS_FILE", message: "must be an absolute path without spaces, quotes or '%'")
            }
        }
        guard !self.privateKey.isEmpty else {
            throw ValidationError(field: "COOLIFY_SSH_PRIVATE_KEY_B64", message: "must hold a base64-encoded private key")
        }
        guard self.firstContact == .acceptNew || !self.knownHosts.isEmpty else {
            throw ValidationError(
                field: "COOLIFY_SSH_KNOWN_HOSTS",
                message: "must hold the host's known_hosts lines (or set the first-contact policy to accept-new)"
            )
        }
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }
}
