/// What one idle sweep did (the seed's `IdleSweepResult`, plus `skipped`).
public struct IdleSweepResult: Sendable, Equatable, Codable {
    /// A container the sweep suspended, and how long it had been idle, in whole minutes.
    public struct Suspended: Sendable, Equatable, Codable {
        public var projectId: String
        public var idleMin: Int

        public init(projectId: String, idleMin: Int) {
            self.projectId = projectId
            self.idleMin = idleMin
        }
    }

    /// A container the sweep could not suspend, and why.
    public struct Failure: Sendable, Equatable, Codable {
        public var projectId: String
        public var error: String

        public init(projectId: String, error: String) {
            self.projectId = projectId
            self.error = error
        }
    }

    /// Running containers idle past the limit.
    public var scanned = 0
    public var suspended: [Suspended] = []
    public var errors: [Failure] = []
    /// Projects left running because a chat turn is open on them.
    public var held: [String] = []
    /// Whether the sweep did not run because another replica holds the idle-sweep lock.
    public var skipped = false

    public init() {}

    /// The result of a sweep another replica is running.
    public static let skippedByAnotherReplica: IdleSweepResult = {
        var result = IdleSweepResult()
        result.skipped = true
        return result
    }()
}
