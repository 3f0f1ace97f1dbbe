import ArgumentParser
import Foundation
import GatewayCore

/// How this replica takes chat turns in and works them off.
struct WorkOptions: ParsableArguments {
    @Option(name: .customLong("worker-concurrency"), help: "Projects whose chat turns are applied at once (each project's in order). (env: VIBN_WORKER_CONCURRENCY, default: \(TurnSettings.defaultConcurrency))")
    var workerConcurrency: Int?

    @Option(name: .customLong("turn-backlog"), help: "Chat turns this replica may have accepted and not yet applied; past it a turn answers 503 overloaded and is not recorded. (env: VIBN_TURN_BACKLOG, default: \(TurnSettings.defaultBacklog))")
    var turnBacklog: Int?

    @Option(name: .customLong("replica-id"), help: "This replica's name in the project leases; keep it stable across restarts. (env: VIBN_REPLICA_ID, default: {hostname}:{port})")
    var replicaId: String?

    @Option(name: .customLong("ship-author-name"), help: "Git author and committer name of the commits POST …/ship makes. (env: VIBN_SHIP_AUTHOR_NAME, default: Vibn)")
    var shipAuthorName: String?

    @Option(name: .customLong("ship-author-email"), help: "Their e-mail address. (env: VIBN_SHIP_AUTHOR_EMAIL, default: vibn-bot@vibnai.com)")
    var shipAuthorEmail: String?

    /// Git's identity for ships' commits.
    /// - Throws: `ValidationError` for a name or address with control characters or `<>`, or longer than 200.
    func shipSettings() throws -> ShipSettings {
        let defaults = ShipSettings()
        let name = Setting.string(self.shipAuthorName, env: "VIBN_SHIP_AUTHOR_NAME", default: defaults.authorName)
        let email = Setting.string(self.shipAuthorEmail, env: "VIBN_SHIP_AUTHOR_EMAIL", default: defaults.authorEmail)
        for (variable, value) in [("VIBN_SHIP_AUTHOR_NAME", name), ("VIBN_SHIP_AUTHOR_EMAIL", email)] {
            guard (1...200).contains(value.utf8.count), !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "<" || $0 == ">" || $0.value == 0x7F }) else {
                throw ValidationError("\(variable) must be 1-200 characters without control characters or '<', '>'")
            }
        }
        return ShipSettings(authorName: name, authorEmail: email)
    }

    /// The validated settings; `port` names the replica by default.
    /// - Throws: `ValidationError` naming the setting that is out of range or malformed.
    func settings(port: Int) throws -> TurnSettings {
        let concurrency = try Setting.integer(self.workerConcurrency, env: "VIBN_WORKER_CONCURRENCY", default: TurnSettings.defaultConcurrency)
        guard (1...1024).contains(concurrency) else { throw ValidationError("VIBN_WORKER_CONCURRENCY=\(concurrency) must be 1-1024") }
        let backlog = try Setting.integer(self.turnBacklog, env: "VIBN_TURN_BACKLOG", default: TurnSettings.defaultBacklog)
        guard (1...1_000_000).contains(backlog) else { throw ValidationError("VIBN_TURN_BACKLOG=\(backlog) must be 1-1000000") }
        let replica = Setting.string(self.replicaId, env: "VIBN_REPLICA_ID", default: "\(ProcessInfo.processInfo.hostName):\(port)")
        guard (1...200).contains(replica.utf8.count), replica.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ValidationError("VIBN_REPLICA_ID must be 1-200 printable ASCII characters without spaces")
        }
        return TurnSettings(replicaID: replica, concurrency: concurrency, backlog: backlog)
    }
}
