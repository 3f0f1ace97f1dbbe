import ArgumentParser
import Foundation
import GatewayCore
import Logging
import SSHExec

/// How the gateway reaches the Coolify host over SSH to run commands in dev containers.
struct SSHOptions: ParsableArguments {
    @Option(help: "The Coolify host to reach over SSH. Unset: exec and files answer 503 ssh_not_configured. (env: COOLIFY_SSH_HOST)")
    var sshHost: String?

    @Option(help: "SSH port of the Coolify host. (env: COOLIFY_SSH_PORT, default: 22)")
    var sshPort: Int?

    @Option(help: "SSH user on the Coolify host. (env: COOLIFY_SSH_USER, default: root)")
    var sshUser: String?

    @Option(help: "The SSH private key, base64-encoded. Prefer the environment for secrets. (env: COOLIFY_SSH_PRIVATE_KEY_B64)")
    var sshPrivateKeyB64: String?

    @Option(help: "known_hosts lines for the Coolify host; host keys are always checked. (env: COOLIFY_SSH_KNOWN_HOSTS)")
    var sshKnownHosts: String?

    @Option(help: "Host key policy on first contact: strict (only COOLIFY_SSH_KNOWN_HOSTS) or accept-new (trust an unknown host once; a changed key is still refused). (env: VIBN_SSH_FIRST_CONTACT, default: strict)")
    var sshFirstContact: String?

    @Option(help: "With accept-new: the file that keeps host keys learned on first contact across restarts, so a changed key is still refused. (env: VIBN_SSH_LEARNED_HOSTS_FILE, default: ssh_known_hosts beside the SQLite file)")
    var sshLearnedHostsFile: String?

    @Option(help: "Seconds SSH may take to connect. (env: VIBN_SSH_CONNECT_TIMEOUT, default: 5)")
    var sshConnectTimeout: Int?

    @Option(help: "Commands run at once on the Coolify host, each one session of the multiplexed connection; keep it below sshd's MaxSessions (10 by default). (env: VIBN_SSH_MAX_SESSIONS, default: 8)")
    var sshMaxSessions: Int?

    @Option(help: "Seconds a command waits for a free session before it answers 503 ssh_busy. (env: VIBN_SSH_QUEUE_TIMEOUT, default: 30)")
    var sshQueueTimeout: Int?

    /// The validated SSH settings: what every host shares (key, first-contact policy, timeouts, sessions), and the
    /// single-server host when `COOLIFY_SSH_HOST` is set (nil, with a warning, when SSH is not configured).
    /// - Parameters:
    ///   - stateDirectory: Where learned host keys are kept by default (the SQLite file's folder).
    ///   - serversFile: Whether `VIBN_SERVERS_FILE` lists the hosts (then `COOLIFY_SSH_HOST` must be unset and the key
    ///     may be given per server).
    /// - Throws: `ArgumentParser.ValidationError` when SSH is half configured or a setting is malformed.
    func settings(stateDirectory: String, serversFile: Bool, logger: Logger) throws -> (template: SSHConfiguration, single: SSHConfiguration?) {
        let host = Setting.string(self.sshHost, env: "COOLIFY_SSH_HOST")
        let key = Setting.string(self.sshPrivateKeyB64, env: "COOLIFY_SSH_PRIVATE_KEY_B64")
        var keyBytes: [UInt8] = []
        if let key {
            guard let bytes = Data(base64Encoded: key, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                throw ArgumentParser.ValidationError("COOLIFY_SSH_PRIVATE_KEY_B64 is not valid base64")
            }
            keyBytes = Array(bytes)
        }
        let policyName = Setting.string(self.sshFirstContact, env: "VIBN_SSH_FIRST_CONTACT", default: "strict")
        guard let policy = SSHConfiguration.FirstContact(rawValue: policyName) else {
            throw ArgumentParser.ValidationError("VIBN_SSH_FIRST_CONTACT=\(policyName) is not strict or accept-new")
        }
        let timeout = try Setting.integer(self.sshConnectTimeout, env: "VIBN_SSH_CONNECT_TIMEOUT", default: 5)
        guard (1...120).contains(timeout) else { throw ArgumentParser.ValidationError("VIBN_SSH_CONNECT_TIMEOUT must be 1-120 seconds") }
        let queueTimeout = try Setting.integer(self.sshQueueTimeout, env: "VIBN_SSH_QUEUE_TIMEOUT", default: 30)
        guard (1...600).contains(queueTimeout) else { throw ArgumentParser.ValidationError("VIBN_SSH_QUEUE_TIMEOUT must be 1-600 seconds") }
        let learned = Setting.string(self.sshLearnedHostsFile, env: "VIBN_SSH_LEARNED_HOSTS_FILE", default: stateDirectory + "/ssh_known_hosts")
        let template = SSHConfiguration(
            host: "",
            privateKey: keyBytes,
            knownHosts: "",
            firstContact: policy,
            connectTimeout: .seconds(timeout),
            maxSessions: try Setting.integer(self.sshMaxSessions, env: "VIBN_SSH_MAX_SESSIONS", default: SSHConfiguration.defaultMaxSessions),
            queueTimeout: .seconds(queueTimeout),
            learnedHostsFile: URL(fileURLWithPath: learned).standardizedFileURL.path
        )
        if serversFile {
            guard host == nil else {
                throw ArgumentParser.ValidationError("COOLIFY_SSH_HOST is set beside VIBN_SERVERS_FILE: give each server's ssh.host in the file instead")
            }
            return (template, nil)
        }
        guard let host, key != nil else {
            if host != nil || key != nil {
                throw ArgumentParser.ValidationError("set both COOLIFY_SSH_HOST and COOLIFY_SSH_PRIVATE_KEY_B64, or neither")
            }
            logger.warning("COOLIFY_SSH_HOST is not set: exec and files answer 503 ssh_not_configured")
            return (template, nil)
        }
        var single = template
        single.host = host
        single.port = try Setting.integer(self.sshPort, env: "COOLIFY_SSH_PORT", default: SSHConfiguration.defaultPort)
        single.user = Setting.string(self.sshUser, env: "COOLIFY_SSH_USER", default: SSHConfiguration.defaultUser)
        single.knownHosts = Setting.string(self.sshKnownHosts, env: "COOLIFY_SSH_KNOWN_HOSTS") ?? ""
        do {
            try single.validate()
            return (template, single)
        } catch let error as GatewayCore.ValidationError {
            throw ArgumentParser.ValidationError("\(error.field): \(error.message)")
        }
    }
}
