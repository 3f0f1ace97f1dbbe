import GatewayCore

/// The codes of SSHExec's own errors (`container_not_found` and `ssh_unreachable` belong to the core's shell port).
extension GatewayError.Code {
    /// `docker` failed on the host.
    public static let dockerFailed = Self("docker_failed")
    /// Every SSH session is taken and none freed up in time.
    public static let sshBusy = Self("ssh_busy")
    /// The SSH key or known hosts could not be written.
    public static let sshSetupFailed = Self("ssh_setup_failed")
    /// `ssh` could not be started.
    public static let sshUnavailable = Self("ssh_unavailable")
}
