import Events
import Foundation
import GatewayTestSupport
import Subprocess
import Testing

/// `vibn-gateway status`, `sweep` and `events retry` beside a serving replica on one PostgreSQL: the real binary,
/// answering what the HTTP routes answer.
@Suite("End to end: operator commands")
struct OperatorCommandTests {
    static let project = "ops-1"
    static let containerPath = "/v1/workspaces/acme/projects/\(project)/container"

    @Test("status prints what GET …/container answers; sweep suspends the idle container once; events retry re-queues a given-up event, which the server delivers",
          .timeLimit(.minutes(4)))
    func commands() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("dynamic"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try await GatewayStoreBackend.postgres.withSettings(work: work) { storeSettings in
            try await CoolifyStandIn.withRunning { coolify in
                try await EventReceiverStandIn.withRunning { receiver in
                    let token = "ops-" + UUID().uuidString
                    let environment = [
                        "GATEWAY_API_TOKEN": token, "COOLIFY_API_URL": coolify.url.absoluteString, "COOLIFY_API_TOKEN": coolify.token,
                        "COOLIFY_SERVER_UUID": coolify.serverUUID, "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH": "true",
                        "TRAEFIK_DYNAMIC_DIR": work.appendingPathComponent("dynamic").path, "LOG_LEVEL": "warning",
                        "GATEWAY_EVENTS_URL": receiver.url.absoluteString, "GATEWAY_EVENTS_SECRET": StandardWebhookSigner.generateSecret(),
                    ].merging(storeSettings) { $1 }
                    _ = try await GatewayProcess.with(environment: environment, directory: work, port: try FreePort.next()) { gateway in
                        let client = GatewayClient(origin: gateway.origin, token: token)
                        let created = try await client.send("PUT", Self.containerPath, json: #"{"slug":"ops"}"#)
                        #expect(created.status == 201, "\(created.text)")
                        let uuid = try #require(try created.json()["serviceUuid"] as? String)
                        await coolify.setStatus(uuid, "running:healthy")
                        try await eventually("the container runs", within: .seconds(60)) {
                            (try? await client.send("GET", Self.containerPath).json())?["state"] as? String == "running"
                        }

                        try await Self.status(matches: client, environment: environment, work: work)
                        try await Self.sweep(environment: environment, work: work, client: client, coolify: coolify, uuid: uuid)
                        try await Self.retry(environment: environment, work: work, receiver: receiver, database: storeSettings["DATABASE_URL"]!)
                    }
                }
            }
        }
    }

    /// `status` prints the same object as the route (but its age, which moves).
    static func status(matches client: GatewayClient, environment: [String: String], work: URL) async throws {
        let printed = try await Self.command(["status", "--workspace", "acme", "--project", Self.project], environment, work)
        var fromCommand = try #require(try JSONSerialization.jsonObject(with: Data(printed.output.utf8)) as? [String: Any])
        var fromRoute = try await client.send("GET", Self.containerPath).json()
        for key in ["ageSeconds"] {
            fromCommand[key] = nil
            fromRoute[key] = nil
        }
        #expect(NSDictionary(dictionary: fromCommand) == NSDictionary(dictionary: fromRoute), "\(printed.output)")
        let refused = try await Self.command(["status", "--workspace", "Not A Slug", "--project", Self.project], environment, work, expectSuccess: false)
        #expect(refused.error.contains("workspace: must be"), "\(refused.error)")
    }

    /// `sweep --idle-minutes 0` suspends the running container (one Coolify stop); a second finds nothing.
    static func sweep(environment: [String: String], work: URL, client: GatewayClient, coolify: CoolifyStandIn, uuid: String) async throws {
        let first = try await Self.command(["sweep", "--idle-minutes", "0"], environment, work)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        let suspended = (result["suspended"] as? [[String: Any]] ?? []).compactMap { $0["projectId"] as? String }
        #expect(suspended == [Self.project], "\(first.output)")
        #expect(await coolify.count("POST", "/services/\(uuid)/stop") == 1)
        #expect((try await client.send("GET", Self.containerPath).json())["state"] as? String == "suspended")
        let second = try await Self.command(["sweep", "--idle-minutes", "0"], environment, work)
        #expect(second.output.contains(#""suspended" : ["#) && !second.output.contains(Self.project), "\(second.output)")
    }

    /// A given-up event (created past the three-day retry window, never delivered) is re-queued by `events retry
    /// --id` and then delivered by the serving replica; an unknown id is an error.
    static func retry(environment: [String: String], work: URL, receiver: EventReceiverStandIn, database: String) async throws {
        let id = "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await GatewayStoreBackend.run("psql", [database, "-q", "-v", "ON_ERROR_STOP=1", "-c", """
            INSERT INTO vibn_outbound_events (id, type, body, created_at, attempts, next_attempt_at, last_error)
            VALUES ('\(id)', 'container.state_changed', '{"type":"container.state_changed","data":{}}',
                    now() - interval '4 days', 40, now() - interval '3 days', 'HTTP 503')
            """])
        let malformed = try await Self.command(["events", "retry", "--id", "evt_1'; DROP TABLE x"], environment, work, expectSuccess: false)
        #expect(malformed.error.contains("is not an event id"), "\(malformed.error)")
        let other = "msg_" + String(repeating: "0", count: 32)
        let unknown = try await Self.command(["events", "retry", "--id", other], environment, work, expectSuccess: false)
        #expect(unknown.error.contains("no given-up event has the id '\(other)'"), "\(unknown.error)")
        let requeued = try await Self.command(["events", "retry", "--id", id], environment, work)
        #expect(requeued.output.contains(id), "\(requeued.output)")
        try await eventually("the serving replica delivers the re-queued event", within: .seconds(30)) {
            await receiver.accepted().contains { $0.webhookID == id }
        }
    }

    /// Runs `vibn-gateway {arguments}` with the server's environment; fails the test when its exit status is not
    /// what was expected.
    static func command(
        _ arguments: [String], _ environment: [String: String], _ work: URL, expectSuccess: Bool = true
    ) async throws -> (output: String, error: String) {
        let binary = try TestEnvironment.require("VIBN_GATEWAY_BIN", for: "the vibn-gateway binary (swift build)")
        var variables = environment
        for name in ["PATH", "HOME"] { variables[name] = ProcessInfo.processInfo.environment[name] }
        let outcome = try await Subprocess.run(
            .name("env"), arguments: Arguments(["--chdir=\(work.path)", binary] + arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
        )
        let succeeded = if case .exited(0) = outcome.terminationStatus { true } else { false }
        let (output, error) = (outcome.standardOutput, outcome.standardError)
        #expect(succeeded == expectSuccess, "vibn-gateway \(arguments.joined(separator: " ")): \(outcome.terminationStatus)\n\(output)\n\(error)")
        return (output, error)
    }
}
