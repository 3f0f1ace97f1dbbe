import Foundation
import GatewayTestSupport
import Testing
import Yams

/// Two real `vibn-gateway serve` replicas on one PostgreSQL database, one Coolify stand-in and one event receiver:
/// whatever either replica is asked, and however the work is split between them, each effect happens once.
@Suite("End to end: two replicas on one PostgreSQL")
struct TwoReplicaTests {
    /// The project that 50 concurrent ensures ask for.
    static let solo = ReplicaProject(workspace: "acme", id: "solo", slug: "solo")
    /// The projects whose chat turns are split between the replicas.
    static let turnProjects = (0..<20).map { ReplicaProject(workspace: "acme", id: "turns-\($0)", slug: "turns\($0)") }

    // The killed replica's provisioning is healed only past the provisioning grace (120 s): the run takes 2–3 minutes.
    @Test(
        "ensures, chat turns, events, idle sweeps and Traefik documents split over two replicas happen once; a replica killed mid-provision is healed by the others",
        .timeLimit(.minutes(8))
    )
    func twoReplicas() async throws {
        try await ReplicaSetup.withStandIns { setup in
            try await setup.withReplicas { replicas in
                // Step 5 first: the heal of the killed provisioning takes the longest, so the other steps run meanwhile.
                let killed = try await Self.killMidProvision(replicas)
                try await Self.backlogFreedWhenTheOtherApplies(replicas)
                try await Self.concurrentEnsures(replicas)
                try await Self.turnBacklog(replicas)
                // The held project too: left provisioning, it would fail past the provisioning grace (120 s) while the run
                // is still going, at a moment that depends on the machine's speed.
                let running = try await Self.startContainers(replicas, [Self.solo, Self.held] + Self.turnProjects)
                try await Self.addPreviews(replicas, running.keys.sorted { $0.id < $1.id })
                try await Self.sameTraefikDocument(replicas, routers: running.count)
                try await Self.idleSweep(replicas, running: running)
                try await Self.sameTraefikDocument(replicas, routers: 0)
                let healed = try await Self.killedProvisionHealed(replicas, killed)
                try await Self.eventsDeliveredOnce(replicas, projects: Array(running.keys), healed: healed)
            }
        }
    }

    // MARK: 1. Concurrent ensures

    /// 50 concurrent `PUT …/container` of one project, 25 through each replica: all 200 or 201, exactly one 201
    /// (`created`), one service uuid, and Coolify saw one create.
    static func concurrentEnsures(_ replicas: TwoReplicas) async throws {
        let answers = try await withThrowingTaskGroup(of: (replica: Int, answer: HTTPAnswer).self) { group in
            for index in 0..<50 {
                group.addTask {
                    (index % 2, try await replicas.client(index).send("PUT", Self.solo.containerPath, json: #"{"slug":"solo"}"#))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let failures = answers.filter { ![200, 201].contains($0.answer.status) }
        #expect(failures.isEmpty, "every ensure succeeds: \(failures.map { "replica \($0.replica): \($0.answer.status) \($0.answer.text)" })")
        let created = answers.filter { (try? $0.answer.json())?["created"] as? Bool == true }
        #expect(created.count == 1 && created.first?.answer.status == 201, "exactly one ensure created the service: \(created.map(\.answer.text))")
        let uuids = Set(answers.compactMap { (try? $0.answer.json())?["serviceUuid"] as? String })
        #expect(uuids.count == 1, "every ensure that names a service names the same one: \(uuids.sorted())")
        let creates = await replicas.coolify.creates(named: Self.solo.serviceName)
        #expect(creates == 1, "Coolify saw \(creates) creates of \(Self.solo.serviceName) for 50 concurrent ensures")
    }

    // MARK: 2. A chat-turn backlog split between the replicas

    /// Each project gets `t1` and `t2`, each `started` then `ended`, in order, through A, B, B, A (so each project's
    /// two `started` turns reach different replicas; 40 turns each); the projects at once. Both drain; each project
    /// has one create; each turn was applied once.
    static func turnBacklog(_ replicas: TwoReplicas) async throws {
        let turns = [("t1", "started"), ("t1", "ended"), ("t2", "started"), ("t2", "ended")]
        let before = try await replicas.clients.asyncMap { try await $0.metric(Self.series("applied")) }.reduce(0, +)
        let refused = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, project) in Self.turnProjects.enumerated() {
                group.addTask {
                    var refused: [String] = []
                    for (step, (turn, phase)) in turns.enumerated() {
                        let client = replicas.client(index + (step + 1) / 2)
                        let answer = try await client.send("POST", "/v1/events/chat-turn", json: project.turn(turn, phase))
                        if answer.status != 202 { refused.append("\(project.id) \(turn) \(phase): \(answer.status) \(answer.text)") }
                    }
                    return refused
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(refused.isEmpty, "every turn is accepted with 202: \(refused)")
        let expected = turns.count * Self.turnProjects.count - refused.count
        let applied = try await Self.waitUntilApplied(replicas, before + expected).reduce(0, +) - before
        #expect(applied == expected, "A and B applied \(applied) turns: each of the \(expected) accepted turns once")
        for project in Self.turnProjects {
            let creates = await replicas.coolify.creates(named: project.serviceName)
            #expect(creates == 1, "\(project.id): \(creates) creates for two started turns through two replicas")
        }
        let failed = try await replicas.clients.asyncMap { try await $0.metric(Self.series("failed")) }
        #expect(failed == [0, 0], "turns failed on A and B: \(failed)")
    }

    /// `vibn_work_applied_total` of chat turns with `outcome`.
    static func series(_ outcome: String) -> String {
        #"vibn_work_applied_total{kind="chat_turn",outcome="\#(outcome)"}"#
    }

    /// Waits until A and B together applied `total` chat turns since they started and report none pending.
    /// - Returns: The turns A and B applied.
    @discardableResult
    static func waitUntilApplied(_ replicas: TwoReplicas, _ total: Int) async throws -> [Int] {
        // The applied counters are the replicas' own; the pending gauge is read from the store at most every 5 s.
        try await eventually("A and B applied \(total) chat turns and report none pending", within: .seconds(120)) {
            () async throws -> (value: [Int]?, observed: String) in
            let applied = try await replicas.clients.asyncMap { try await $0.metric(Self.series("applied")) }
            let pending = try await replicas.clients.asyncMap { try await $0.metric(#"vibn_work_pending{kind="chat_turn"}"#) }
            let done = applied.reduce(0, +) >= total && pending == [0, 0]
            return (done ? applied : nil, "applied by A, B: \(applied); pending on A, B: \(pending)")
        }
    }

    // MARK: Running containers and their previews

    /// Makes Coolify report every project's service running and waits until both replicas' reads (alternating) show
    /// each container `running`. - Returns: Each project's service uuid.
    static func startContainers(_ replicas: TwoReplicas, _ projects: [ReplicaProject]) async throws -> [ReplicaProject: String] {
        for project in projects {
            guard let uuid = await replicas.coolify.serviceUUID(named: project.serviceName) else {
                throw EndToEndFailure(description: "Coolify has no service \(project.serviceName)")
            }
            await replicas.coolify.setStatus(uuid, "running:healthy")
        }
        return try await eventually("every container is running", within: .seconds(90)) {
            () async throws -> (value: [ReplicaProject: String]?, observed: String) in
            var services: [ReplicaProject: String] = [:]
            var others: [String] = []
            for (index, project) in projects.enumerated() {
                let answer = try await replicas.client(index).send("GET", project.containerPath)
                let json = try? answer.json()
                if json?["state"] as? String == "running", let uuid = json?["serviceUuid"] as? String {
                    services[project] = uuid
                } else {
                    others.append("\(project.id): \(answer.status) \(answer.text)")
                }
            }
            return (others.isEmpty ? services : nil, "\(others.count) not running: \(others.prefix(3))")
        }
    }

    /// Records a running dev server on port 3000 of each project directly in the store, as another replica would:
    /// each replica's publisher sees it on its periodic refresh.
    static func addPreviews(_ replicas: TwoReplicas, _ projects: [ReplicaProject]) async throws {
        let ids = projects.map { "'\($0.id)'" }.joined(separator: ", ")
        try await replicas.setup.psql("""
            INSERT INTO fs_dev_servers (id, project_id, workspace, name, command, port, preview_url, state)
            SELECT 'ds_' || substr(md5(project_id), 1, 12), project_id, workspace, 'web', 'npm run dev', 3000, '', 'running'
            FROM fs_project_dev_containers WHERE project_id IN (\(ids))
            """)
    }

    // MARK: 6. One Traefik document

    /// Both replicas' `vibn-previews.yml` become byte-identical, with `routers` routers (an empty map for none).
    static func sameTraefikDocument(_ replicas: TwoReplicas, routers: Int) async throws {
        // Each publisher asks the store for changed projects every 250 ms; a change through a replica is written by it at once.
        _ = try await eventually("both replicas write the same vibn-previews.yml with \(routers) routers", within: .seconds(60)) {
            () async throws -> (value: Bool?, observed: String) in
            let files = replicas.traefikFiles()
            let counts = files.map { $0.map(Self.routerCount) ?? -1 }
            let same = files[0] != nil && files[0] == files[1] && counts[0] == routers
            return (same ? true : nil, "routers in A, B: \(counts) (-1: no file); identical: \(files[0] == files[1])")
        }
    }

    /// How many routers a Traefik dynamic document (YAML) has.
    static func routerCount(_ document: Data) -> Int {
        let yaml = (try? Yams.load(yaml: String(decoding: document, as: UTF8.self))) as? [String: Any]
        return ((yaml?["http"] as? [String: Any])?["routers"] as? [String: Any])?.count ?? 0
    }
}
