/// The codes of the core's errors, and of the ``ContainerShell`` port's.
extension GatewayError.Code {
    /// A chat turn's work failed for a reason without a code of its own, or kept failing until it was given up.
    public static let chatTurnFailed = Self("chat_turn_failed")
    /// A resumed container did not answer within the wait.
    public static let containerStarting = Self("container_starting")
    /// Another replica kept working on the project longer than a caller waits.
    public static let projectBusy = Self("project_busy")
    /// The replica has as many chat turns waiting as it may; the turn was not accepted.
    public static let overloaded = Self("overloaded")
    /// The autosave ran but pushed nothing.
    public static let autosaveFailed = Self("autosave_failed")
    /// The host runs no container for the service (thrown by every ``ContainerShell``).
    public static let containerNotFound = Self("container_not_found")
    /// Coolify refused a stop as done, judging by a status older than a recent start.
    public static let coolifyStatusStale = Self("coolify_status_stale")
    /// The gateway has no Coolify API configured.
    public static let coolifyNotConfigured = Self("coolify_not_configured")
    /// A dev server's launch script failed or printed no pid.
    public static let devServerLaunchFailed = Self("dev_server_launch_failed")
    /// No such dev server in the project.
    public static let devServerNotFound = Self("dev_server_not_found")
    /// No such file in the workspace.
    public static let fileNotFound = Self("file_not_found")
    /// The file is over the size the files API moves.
    public static let fileTooLarge = Self("file_too_large")
    /// A file operation failed in the container.
    public static let filesFailed = Self("files_failed")
    /// A file operation did not finish in time.
    public static let filesTimeout = Self("files_timeout")
    /// The state machine does not allow the move.
    public static let invalidTransition = Self("invalid_transition")
    /// The project has no dev container yet.
    public static let noContainer = Self("no_container")
    /// The project has no slug recorded yet, so it has no preview host.
    public static let noProjectSlug = Self("no_project_slug")
    /// The path is not a directory.
    public static let notADirectory = Self("not_a_directory")
    /// The path is not a regular file.
    public static let notAFile = Self("not_a_file")
    /// The path leaves `/workspace` once its links are resolved.
    public static let pathOutsideWorkspace = Self("path_outside_workspace")
    /// A tracked dev server or a listener that would not stop holds the port.
    public static let portBusy = Self("port_busy")
    /// The port is outside the preview range.
    public static let portOutOfRange = Self("port_out_of_range")
    /// The project is unknown in this workspace.
    public static let projectNotFound = Self("project_not_found")
    /// The workspace has as many live containers as it may.
    public static let quotaExceeded = Self("quota_exceeded")
    /// Every server of the list is full or draining (503).
    public static let capacityExhausted = Self("capacity_exhausted")
    /// SSH to the Coolify host is not configured.
    public static let sshNotConfigured = Self("ssh_not_configured")
    /// The host cannot be reached over SSH (thrown by every ``ContainerShell``).
    public static let sshUnreachable = Self("ssh_unreachable")
    /// The state store did not answer in time.
    public static let storeUnavailable = Self("store_unavailable")
}
