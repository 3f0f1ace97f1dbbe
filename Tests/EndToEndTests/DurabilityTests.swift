import Foundation
import GatewayTestSupport
import Testing

/// What the gateway accepted it applies, even when it is killed with a backlog: the real binary, `kill -9`, a restart.
@Suite("End to end: accepted turns survive kill -9")
struct DurabilityTests {
    static let projects = 30

    @Test(
        "turns accepted before a kill -9 are all applied after the restart, no project's service created twice",
        .timeLimit(.minutes(5)),
        arguments: GatewayStoreBackend.allCases
    )
    func killedWithABacklog(store: GatewayStoreBackend) async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("dynamic"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try await store.withSettings(work: work) { storeSettings in
            try await CoolifyStandIn.withRunning { coolify in
                let token = "durable-" + UUID().uuidString
                let environment = [
                    "GATEWAY_API_TOKEN": token, "COOLIFY_API_URL": coolify.url.absoluteString, "COOLIFY_API_TOKEN": coolify.token,
                    "COOLIFY_SERVER_UUID": coolify.serverUUID, "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH": "true",
                    "VIBN_DEV_QUOTA_PER_WORKSPACE": "1000", "TRAEFIK_DYNAMIC_DIR": work.appendingPathComponent("dynamic").path,
                    // The same replica restarted takes its own leases back at once.
                    "VIBN_REPLICA_ID": "durable-test",
                ].merging(storeSettings) { $1 }
                // One project at a time, and the first create stalls: the other turns wait, accepted and pending,
                // when the gateway is killed.
                await coolify.inject(.stall(.seconds(10)), times: 1, pathPrefix: "/services")
                var first = environment
                first["VIBN_WORKER_CONCURRENCY"] = "1"
                _ = try await GatewayProcess.with(environment: first, directory: work, port: try FreePort.next()) { gateway in
                    let client = GatewayClient(origin: gateway.origin, token: token)
                    for index in 0..<Self.projects {
                        let answer = try await client.send("POST", "/v1/events/chat-turn", json: Self.turn(index))
                        #expect(answer.status == 202, "\(answer.text)")
                    }
                    #expect(try await Self.pendingTurns(client) > 0)
                    gateway.killHard()
                }
                _ = try await GatewayProcess.with(environment: environment, directory: work, port: try FreePort.next()) { gateway in
                    let client = GatewayClient(origin: gateway.origin, token: token)
                    try await eventually("every accepted turn applied", within: .seconds(120)) {
                        try await Self.pendingTurns(client) == 0
                    }
                    // The project whose create the kill interrupted has its row (the reconciler adopts its service, or
                    // fails it for a retry, after the provisioning grace); every other one has its service.
                    var withService = 0
                    for index in 0..<Self.projects {
                        let status = try await client.send("GET", "/v1/workspaces/acme/projects/p\(index)/container").json()
                        #expect(status["state"] as? String != "absent", "p\(index)")
                        if status["serviceUuid"] is String { withService += 1 }
                    }
                    #expect(withService >= Self.projects - 1)
                    // Never a second create for a project: at most one per project, the interrupted one perhaps none yet.
                    let creates = await coolify.count("POST", "/services")
                    #expect((Self.projects - 1...Self.projects).contains(creates), "\(creates) creates")
                }
            }
        }
    }

    /// A `started` turn of project `p{index}`.
    static func turn(_ index: Int) -> String {
        #"{"workspace":"acme","projectId":"p\#(index)","projectSlug":"app\#(index)","turnId":"t-\#(index)","phase":"started"}"#
    }

    /// `vibn_work_pending{kind="chat_turn"}` from `/metrics` (read from the store at most every 5 s).
    static func pendingTurns(_ client: GatewayClient) async throws -> Int {
        let metrics = try await client.send("GET", "/metrics").text
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(#"vibn_work_pending{kind="chat_turn"}"#) }),
              let value = line.split(separator: " ").last.flatMap({ Double($0) })
        else { throw EndToEndFailure(description: "no vibn_work_pending in /metrics") }
        return Int(value)
    }
}
