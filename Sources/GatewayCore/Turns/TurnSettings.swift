import Foundation

/// How chat turns are taken in and worked off.
public struct TurnSettings: Sendable {
    /// `VIBN_WORKER_CONCURRENCY`'s default.
    public static let defaultConcurrency = 16
    /// `VIBN_TURN_BACKLOG`'s default.
    public static let defaultBacklog = 10_000

    /// Who this replica is in the project leases (turns, autosaves, dev-server starts): stable across restarts, so a
    /// restarted replica takes its own unfinished work back at once (others wait for the lease to lapse).
    public var replicaID: String
    /// How many projects' turns are worked on at once (each project's in order).
    public var concurrency: Int
    /// How many turns this replica may have claimed and not yet finished; past it the route answers 503 before
    /// claiming, so an accepted turn is never dropped.
    public var backlog: Int
    /// How long a project lease lasts unless renewed (it is renewed every third of it while its work runs).
    public var leaseDuration: Duration
    /// How often the store is scanned for pending turns (left by a stopped replica, or claimed by another one).
    public var scanInterval: Duration
    /// How often a turn is taken before it is given up as failed (a turn whose work keeps crashing the gateway).
    public var maxAttempts: Int

    /// A replica id unique to this process (tests, and replicas given no `VIBN_REPLICA_ID`): its leases lapse, not
    /// pass, to its successor.
    public static func processReplicaID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "\(ProcessInfo.processInfo.hostName)-\(RandomHex.string(bytes: 4, using: &generator))"
    }

    public init(
        replicaID: String = TurnSettings.processReplicaID(),
        concurrency: Int = TurnSettings.defaultConcurrency,
        backlog: Int = TurnSettings.defaultBacklog,
        leaseDuration: Duration = .seconds(60),
        scanInterval: Duration = .seconds(5),
        maxAttempts: Int = 5
    ) {
        self.replicaID = replicaID
        self.concurrency = concurrency
        self.backlog = backlog
        self.leaseDuration = leaseDuration
        self.scanInterval = scanInterval
        self.maxAttempts = maxAttempts
    }
}
