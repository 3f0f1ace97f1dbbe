import Foundation
import GatewayTestSupport
import Testing

/// The edge of the real `vibn-gateway serve` binary: no path shape sidesteps authentication, the webhook secret
/// is never logged, and idle or trickling clients neither hold sockets for ever nor stop `/healthz`.
@Suite("End to end: the edge of the real binary")
struct EdgeTests {
    static let token = "edge-token-0123456789"
    static let secret = "edgesecret" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    @Test("bypass variants answer 401/404/405 and the webhook secret never reaches the log", .timeLimit(.minutes(5)))
    func authentication() async throws {
        try await Self.withGateway { gateway, port in
            let reached = await AuthBypassMatrix.unrefused(port: port)
            #expect(reached.isEmpty, "answered by a handler without the token:\n\(reached.joined(separator: "\n"))")
            for attempt in AuthBypassMatrix.exploits {
                let response = try await RawHTTPConnection.exchange(port: port, method: attempt.method, target: attempt.target)
                #expect(response.status == 401, "\(attempt)")
            }

            var accepted = 0
            for target in AuthBypassMatrix.webhookShapes(secret: Self.secret) {
                let response = try await RawHTTPConnection.exchange(
                    port: port, method: "POST", target: target, body: #"{"event":"server_reachable"}"#
                )
                if response.status == 200 { accepted += 1 }
            }
            #expect(accepted >= 1, "the webhook route itself accepts the secret")
            #expect(await gateway.log.contains("hb.request.route="), "requests are logged")
            #expect(!(await gateway.log.contains(Self.secret)), "the webhook secret appears in the gateway's log")
        }
    }

    @Test("hundreds of idle and trickling connections: /healthz answers, and the server cuts them off", .timeLimit(.minutes(5)))
    func slowClients() async throws {
        try await Self.withGateway { gateway, port in
            // 300 connections that send nothing, 20 whose head trickles, 20 whose body trickles.
            let idle = try (0..<300).map { _ in try RawHTTPConnection(port: port, readTimeout: .seconds(15)) }
            let heads = try (0..<20).map { _ in try RawHTTPConnection(port: port, readTimeout: .seconds(15)) }
            let bodies = try (0..<20).map { _ in try RawHTTPConnection(port: port, readTimeout: .seconds(15)) }
            for connection in heads { try connection.write("GET /healthz HTTP/1.1\r\nHost: x\r\n") }
            for connection in bodies {
                try connection.write("POST /v1/sweeps/idle HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.token)\r\nContent-Length: 100\r\n\r\n{")
            }
            let health = try await RawHTTPConnection.exchange(port: port, method: "GET", target: "/healthz")
            #expect(health.status == 200, "/healthz answers while 340 slow connections are open")

            // The body keeps trickling (a byte every 200 ms, well inside the idle timeout): only the read deadline
            // (2 s) can end it. Heads and idle connections end by the idle timeout (1 s).
            let trickle = Task.detached {
                for _ in 0..<30 {
                    try? await Task.sleep(for: .milliseconds(200))
                    for connection in bodies { try? connection.write(" ") }
                }
            }
            for connection in idle + heads + bodies {
                let outcome = await connection.readUntilClosed()
                #expect(outcome.closed, "the server closes a slow connection (got \(outcome.bytes.count) bytes, no close)")
            }
            trickle.cancel()
            let after = try await RawHTTPConnection.exchange(port: port, method: "GET", target: "/healthz")
            #expect(after.status == 200)
            _ = gateway
        }
    }

    /// Runs the binary on SQLite with the API token, Coolify (stand-in) and its webhook secret, and 1 s / 2 s
    /// idle and request-read timeouts.
    static func withGateway(_ body: @Sendable (GatewayProcess, Int) async throws -> Void) async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try await CoolifyStandIn.withRunning { coolify in
            let port = try FreePort.next()
            let environment = [
                "GATEWAY_API_TOKEN": Self.token,
                "COOLIFY_API_URL": coolify.url.absoluteString,
                "COOLIFY_API_TOKEN": coolify.token,
                "COOLIFY_SERVER_UUID": coolify.serverUUID,
                "COOLIFY_WEBHOOK_SECRET": Self.secret,
                "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH": "true",
                "TRAEFIK_DYNAMIC_DIR": work.appendingPathComponent("dynamic").path,
                "GATEWAY_IDLE_TIMEOUT": "1",
                "GATEWAY_REQUEST_READ_TIMEOUT": "2",
            ]
            let outcome = try await GatewayProcess.with(environment: environment, directory: work, port: port) { gateway in
                try await body(gateway, port)
            }
            #expect(outcome.exitedCleanly, "vibn-gateway serve exits with status 0 on SIGTERM")
        }
    }
}
