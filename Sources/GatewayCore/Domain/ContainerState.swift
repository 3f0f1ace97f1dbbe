/// The life of a project's dev container, as the store records it.
///
/// `provisioning → running ⇄ suspended`, `provisioning → failed`, `failed → provisioning` (retry);
/// a container can also fail or stop from any live state when Coolify says so.
public enum ContainerState: String, Sendable, Codable, CaseIterable {
    case provisioning
    case running
    case suspended
    case failed

    /// The states this one may move to.
    public var allowedNext: Set<ContainerState> {
        switch self {
        case .provisioning: [.running, .suspended, .failed]
        case .running: [.suspended, .failed]
        case .suspended: [.running, .provisioning, .failed]
        case .failed: [.provisioning]
        }
    }

    /// Whether moving from this state to `next` is allowed.
    public func canTransition(to next: ContainerState) -> Bool { self.allowedNext.contains(next) }

    /// Whether the container counts against the workspace quota (it is, or is about to be, running).
    public var countsAgainstQuota: Bool { self == .provisioning || self == .running }
}

/// The life of a dev server inside a container: `starting → running | failed`, and `* → stopped`.
public enum DevServerState: String, Sendable, Codable, CaseIterable {
    case starting
    case running
    case stopped
    case failed

    /// The states this one may move to.
    public var allowedNext: Set<DevServerState> {
        switch self {
        case .starting: [.running, .failed, .stopped]
        case .running: [.failed, .stopped]
        case .failed: [.stopped]
        case .stopped: []
        }
    }

    /// Whether moving from this state to `next` is allowed.
    public func canTransition(to next: DevServerState) -> Bool { self.allowedNext.contains(next) }

    /// Whether the server should have a preview route (it is starting or serving).
    public var isLive: Bool { self == .starting || self == .running }
}
