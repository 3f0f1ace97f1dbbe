import GatewayCore

/// The errors the module reports, as ``GatewayError``s with stable codes.
enum SSHExecError {
    /// The host cannot be reached, or refuses the host key or the client key.
    static func unreachable(_ configuration: SSHConfiguration, detail: String) -> GatewayError {
        GatewayError(
            .unavailable, code: .sshUnreachable,
            message: "Cannot reach the Coolify host \(configuration.host):\(configuration.port) over SSH: \(detail)",
            hint: "Check COOLIFY_SSH_HOST, COOLIFY_SSH_PORT, COOLIFY_SSH_USER, COOLIFY_SSH_KNOWN_HOSTS and that the key is authorised."
        )
    }

    /// The host runs no `vibn-dev` container for the service (it is stopped, or not created yet).
    static func containerNotFound(_ service: ServiceUUID) -> GatewayError {
        GatewayError(
            .notFound, code: .containerNotFound,
            message: "The Coolify host runs no vibn-dev container for service '\(service)'.",
            hint: "The container may be suspended or still starting: PUT …/container with start=true, then retry."
        )
    }

    /// The last non-empty line of `bytes`, for messages (SSH's own diagnostics are single lines).
    static func lastLine(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        return line.isEmpty ? "ssh failed without a message" : String(line.prefix(300))
    }

    /// Whether a run ended in an SSH failure rather than the remote command's own exit status 255.
    static func isSSHFailure(_ outcome: SSHOutcome) -> Bool {
        guard outcome.status == 255 else { return false }
        let line = Self.lastLine(outcome.stderr.bytes)
        return line.hasPrefix("ssh:") || line.contains("Connection ") || line.contains("Permission denied")
            || line.contains("Host key verification failed") || line.contains("kex_exchange_identification")
    }

    /// Whether sshd dropped the connection before the SSH handshake (`MaxStartups`), so nothing ran on the host.
    static func isStartupRefusal(_ outcome: SSHOutcome) -> Bool {
        outcome.status == 255 && Self.lastLine(outcome.stderr.bytes).contains("kex_exchange_identification")
    }

    /// Whether docker said the container is gone (`No such container`, or stopped).
    static func isContainerGone(_ outcome: SSHOutcome) -> Bool {
        guard outcome.status == 1 else { return false }
        let line = Self.lastLine(outcome.stderr.bytes)
        return line.hasPrefix("Error response from daemon:")
            && (line.contains("No such container") || line.contains("is not running"))
    }
}
