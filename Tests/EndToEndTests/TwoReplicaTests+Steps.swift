import Foundation
import GatewayTestSupport
import Testing

extension TwoReplicaTests {
    /// The project whose provisioning replica A2 is killed in.
    static let doomed = ReplicaProject(workspace: "kill", id: "doomed", slug: "doomed")
    /// How long after its kill the others must have finished or failed the doomed provisioning: the provisioning
    /// grace a reserved row without a service is left to its ensure (`LifecycleSettings.provisioningGrace`, 120 s),
    /// then one reconcile pass (`GatewaySettings.reconcileInterval`, 10 s, plus `Reconciler.jitter`'s 20 %), and
    /// 30 s for a loaded machine.
    static let healBound: Duration = .seconds(120) + .seconds(12) + .seconds(30)

    // MARK: 5. kill -9 mid-provision

    /// A third replica, A2, ensures the doomed project; Coolify creates the service but stalls its answer, and A2 is
    /// killed hard meanwhile: the row stays reserved, `provisioning` without its service.
    /// - Returns: When A2 was killed.
    static func killMidProvision(_ replicas: TwoReplicas) async throws -> ContinuousClock.Instant {
        await replicas.coolify.inject(.stall(.seconds(20)), times: 1, pathPrefix: "/services")
        let killedAt = try await replicas.setup.withReplica("a2") { a2 in
            let client = replicas.setup.client(a2)
            let ensure = Task { try? await client.send("PUT", Self.doomed.containerPath, json: #"{"slug":"doomed"}"#) }
            defer { ensure.cancel() }
            try await eventually("replica A2 asks Coolify to create \(Self.doomed.serviceName)", within: .seconds(60)) {
                await replicas.coolify.creates(named: Self.doomed.serviceName) == 1
            }
            a2.killHard()
            return ContinuousClock.now
        }.result
        let answer = try await replicas.client(1).send("GET", Self.doomed.containerPath)
        let status = try answer.json()
        #expect(
            status["state"] as? String == "provisioning" && !(status["serviceUuid"] is String),
            "the killed replica's row is reserved, without its service: \(answer.text)"
        )
        return killedAt
    }

    /// Replica B reports the doomed project `running` with its service (adopted) or `failed` with a reason, within
    /// ``healBound`` of the kill, and Coolify never saw a second create of it.
    /// - Returns: The project's last `container.state_changed` event.
    static func killedProvisionHealed(_ replicas: TwoReplicas, _ killedAt: ContinuousClock.Instant) async throws -> DeliveredEvent {
        // Only now (after the idle sweep) does Coolify report the service running: until then it is not a running
        // container the sweep could count.
        if let uuid = await replicas.coolify.serviceUUID(named: Self.doomed.serviceName) {
            await replicas.coolify.setStatus(uuid, "running:healthy")
        } else {
            Issue.record("Coolify has no service \(Self.doomed.serviceName)")
        }
        let left = Self.healBound - (ContinuousClock.now - killedAt)
        let state = try await eventually(
            "replica B reports the project whose provisioning A2 was killed in running or failed within \(Self.healBound) of the kill",
            within: max(left, .seconds(1))
        ) { () async throws -> (value: String?, observed: String) in
            let answer = try await replicas.client(1).send("GET", Self.doomed.containerPath)
            let json = try? answer.json()
            let state = json?["state"] as? String
            let healed = (state == "running" && json?["serviceUuid"] is String) || (state == "failed" && json?["blockedReason"] is String)
            return (healed ? state : nil, "\(answer.status) \(answer.text)")
        }
        let creates = await replicas.coolify.creates(named: Self.doomed.serviceName)
        #expect(creates == 1, "\(creates) creates of \(Self.doomed.serviceName): the heal adopts the service, never creates another")
        return .container(Self.doomed.id, from: "provisioning", to: state)
    }

    // MARK: 4. Idle sweeps

    /// `POST /v1/sweeps/idle {"idleMinutes":0}` on both replicas at once: together they suspend each running
    /// container once (one sweeps, the other is skipped or finds nothing), and Coolify saw one stop per service.
    static func idleSweep(_ replicas: TwoReplicas, running: [ReplicaProject: String]) async throws {
        let answers = try await withThrowingTaskGroup(of: HTTPAnswer.self) { group in
            for client in replicas.clients {
                group.addTask { try await client.send("POST", "/v1/sweeps/idle", json: #"{"idleMinutes":0}"#) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let texts = answers.map { "\($0.status) \($0.text)" }
        #expect(answers.allSatisfy { $0.status == 200 }, "both sweeps answer 200: \(texts)")
        let results = answers.compactMap { try? $0.json() }
        let suspended = results.flatMap { ($0["suspended"] as? [[String: Any]] ?? []).compactMap { $0["projectId"] as? String } }
        #expect(
            suspended.count == running.count && Set(suspended) == Set(running.keys.map(\.id)),
            "the sweeps suspended \(suspended.count) containers, \(Set(suspended).count) distinct, of \(running.count) running: \(texts)"
        )
        #expect(results.allSatisfy { ($0["errors"] as? [Any])?.isEmpty == true }, "no sweep error: \(texts)")
        for (project, uuid) in running {
            let stops = await replicas.coolify.count("POST", "/services/\(uuid)/stop")
            #expect(stops == 1, "\(project.id): Coolify saw \(stops) stops of its service")
            let answer = try await replicas.client(1).send("GET", project.containerPath)
            #expect((try? answer.json())?["state"] as? String == "suspended", "\(project.id) after the sweeps: \(answer.text)")
        }
    }

    // MARK: 3. Events

    /// Once both outboxes are empty the receiver has each event once: no `webhook-id` accepted twice, no state change
    /// twice, and each project's `container.state_changed` events exactly those one replica alone would send.
    static func eventsDeliveredOnce(_ replicas: TwoReplicas, projects: [ReplicaProject], healed: DeliveredEvent) async throws {
        let lifecycle = ["provisioning", "running", "suspended"]
        var wanted: [String: [DeliveredEvent]] = [:]
        for project in projects {
            wanted[project.id] = zip([nil] + lifecycle, lifecycle).map { DeliveredEvent.container(project.id, from: $0, to: $1) }
        }
        wanted[Self.doomed.id] = [.container(Self.doomed.id, from: nil, to: "provisioning"), healed]
        let receiver = replicas.setup.receiver
        _ = try await eventually("the receiver has every expected event and both outboxes are empty", within: .seconds(90)) {
            () async throws -> (value: Bool?, observed: String) in
            let got = Set(await receiver.accepted().compactMap { DeliveredEvent($0.body) })
            let missing = wanted.values.joined().filter { !got.contains($0) }
            var pending: [Int] = []
            for client in replicas.clients { pending.append(try await client.metric("vibn_outbox_pending")) }
            return (missing.isEmpty && pending == [0, 0] ? true : nil, "outbox pending on A, B: \(pending); \(missing.count) missing: \(missing.prefix(3))")
        }
        let accepted = await receiver.accepted()
        let ids = Dictionary(grouping: accepted, by: { $0.webhookID ?? "(none)" })
        let repeatedIDs = ids.filter { $0.value.count > 1 }.map { "\($0.key) ×\($0.value.count)" }
        #expect(repeatedIDs.isEmpty, "webhook-ids accepted more than once: \(repeatedIDs.sorted().prefix(5))")
        let events = accepted.compactMap { DeliveredEvent($0.body) }
        let repeated = Dictionary(grouping: events, by: { $0 }).filter { $0.value.count > 1 }.map { "\($0.key) ×\($0.value.count)" }
        #expect(repeated.isEmpty, "events delivered more than once (under distinct webhook-ids): \(repeated.sorted().prefix(5))")
        for (project, expected) in wanted.sorted(by: { $0.key < $1.key }) {
            let sent = events.filter { $0.project == project && $0.type == "container.state_changed" }
            #expect(sent == expected, "\(project)'s container.state_changed events")
        }
        let others = accepted.filter { DeliveredEvent($0.body)?.type != "container.state_changed" }
        #expect(others.isEmpty, "no other event (no failed chat turn): \(others.prefix(3).map { String(decoding: $0.body, as: UTF8.self) })")
    }
}
