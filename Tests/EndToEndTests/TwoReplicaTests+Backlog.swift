import Foundation
import GatewayTestSupport
import Testing

extension TwoReplicaTests {
    /// The project whose turns replica B accepts while replica A holds its lease.
    static let held = ReplicaProject(workspace: "acme", id: "held", slug: "held")

    // MARK: 2a. A replica's backlog when the other one applies its turns

    /// Replica A applies a `started` turn of the held project whose provisioning Coolify stalls, so A holds the
    /// project's lease; meanwhile B accepts a whole `VIBN_TURN_BACKLOG` of `ended` turns of it, which A applies
    /// after its own. Once nothing is pending, B takes new turns again: turns the other replica applied no longer
    /// count against its backlog.
    static func backlogFreedWhenTheOtherApplies(_ replicas: TwoReplicas) async throws {
        let (a, b) = (replicas.clients[0], replicas.clients[1])
        let appliedBefore = try await replicas.clients.asyncMap { try await $0.metric(Self.series("applied")) }
        // The held project's provisioning starts by looking up its Coolify project: that answer is 15 s late.
        let lookups = await replicas.coolify.count("GET", "/projects")
        await replicas.coolify.inject(.stall(.seconds(15)), times: 1, pathPrefix: "/projects")
        let started = try await a.send("POST", "/v1/events/chat-turn", json: Self.held.turn("t1", "started"))
        #expect(started.status == 202, "\(started.text)")
        try await eventually("replica A provisions the held project (looks up its Coolify project)", within: .seconds(60)) {
            await replicas.coolify.count("GET", "/projects") > lookups
        }
        let refused = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<ReplicaSetup.turnBacklog {
                group.addTask {
                    let answer = try await b.send("POST", "/v1/events/chat-turn", json: Self.held.turn("e\(index)", "ended"))
                    return answer.status == 202 ? nil : "e\(index): \(answer.status) \(answer.text)"
                }
            }
            return try await group.reduce(into: []) { if let refusal = $1 { $0.append(refusal) } }
        }
        #expect(refused.isEmpty, "replica B accepts a whole backlog (\(ReplicaSetup.turnBacklog)) of turns: \(refused.count) refused, \(refused.prefix(2))")
        let total = appliedBefore.reduce(0, +) + 1 + ReplicaSetup.turnBacklog - refused.count
        let applied = zip(try await Self.waitUntilApplied(replicas, total), appliedBefore).map { $0 - $1 }
        let creates = await replicas.coolify.creates(named: Self.held.serviceName)
        #expect(creates == 1, "\(creates) creates of \(Self.held.serviceName)")

        // Every turn is applied and none is pending: B must take new turns again (at the latest after its next scan
        // of the store, every 5 s). The new turn ends the first one, so no open turn holds the project off the
        // idle sweep later.
        var answers: [String] = []
        let accepted = try await Self.accepted(within: .seconds(30), answers: &answers) {
            try await b.send("POST", "/v1/events/chat-turn", json: Self.held.turn("t1", "ended"))
        }
        #expect(
            accepted,
            """
            with no turn pending, replica B still refuses a new turn after 30 s: \(answers.last ?? "-"); turns applied by \
            A and B since the held project's first turn: \(applied)
            """
        )
        try await Self.waitUntilApplied(replicas, total + (accepted ? 1 : 0))
    }

    /// Sends a request every second until it answers 202, for at most `limit`; `answers` collects the refusals.
    static func accepted(
        within limit: Duration, answers: inout [String], _ send: () async throws -> HTTPAnswer
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let answer = try await send()
            if answer.status == 202 { return true }
            answers.append("\(answer.status) \(answer.text)")
            try await Task.sleep(for: .seconds(1))
        }
        return false
    }
}
