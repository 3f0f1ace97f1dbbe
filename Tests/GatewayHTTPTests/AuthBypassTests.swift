import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import Synchronization
import Testing

/// Authentication is attached to the routes it protects, so no shape of a path reaches a handler without the token,
/// and the request log never carries the Coolify webhook secret.
@Suite("Authentication cannot be sidestepped by the shape of a path", .timeLimit(.minutes(3)))
struct AuthBypassTests {
    static let secret = "whsecretpath-0123456789abcdef"

    @Test("every protected route, in every path shape and method, answers 401/404/405 without the token")
    func noBypass() async throws {
        let log = RecordedLog()
        try await Self.withLiveApp(log: log) { port in
            let reached = await AuthBypassMatrix.unrefused(port: port)
            #expect(reached.isEmpty, "answered by a handler without the token:\n\(reached.joined(separator: "\n"))")
            for attempt in AuthBypassMatrix.exploits {
                let response = try await RawHTTPConnection.exchange(port: port, method: attempt.method, target: attempt.target)
                #expect(response.status == 401, "\(attempt)")
            }
            // The plain path with the token does reach the handler: the matrix above was not refused for another reason.
            let allowed = try await RawHTTPConnection.exchange(
                port: port, method: "GET", target: "/v1/workspaces/acme/projects/proj_1/container",
                headers: ["Authorization: Bearer \(TestApp.token)"]
            )
            #expect(allowed.status == 200)
        }
    }

    @Test("the webhook secret never appears in a log line, whatever the path's shape")
    func secretNeverLogged() async throws {
        let log = RecordedLog()
        try await Self.withLiveApp(log: log) { port in
            for target in AuthBypassMatrix.webhookShapes(secret: Self.secret) {
                for method in ["POST", "GET", "TRACE"] {
                    _ = try await RawHTTPConnection.exchange(port: port, method: method, target: target, body: "{}")
                }
            }
        }
        let lines = log.lines
        #expect(lines.contains { $0.contains("hb.request.route") }, "requests are logged")
        #expect(!lines.contains { $0.contains(Self.secret) || $0.contains(String(Self.secret.dropFirst())) })
    }

    @Test("chat-turn credentials are judged from the headers: a 1 MiB body that never comes is not waited for")
    func chatTurnHeadersFirst() async throws {
        try await Self.withLiveApp(log: RecordedLog(), configure: { $0.chatTurnSigner = ChatTurnFixture.signer }) { port in
            let stale = ChatTurnFixture.signed("{}", at: Date(timeIntervalSinceNow: -3600))
                .map { "\($0.name): \($0.value)" }.filter { $0.hasPrefix("webhook-") }
            for (headers, code) in [(stale, "invalid_signature"), ([], "unauthorized"), (["Authorization: Bearer wrong"], "unauthorized")] {
                let connection = try RawHTTPConnection(port: port)
                let head = ["POST /v1/events/chat-turn HTTP/1.1", "Host: x", "Content-Type: application/json",
                            "Content-Length: \(1 << 20)"] + headers
                try connection.write(head.joined(separator: "\r\n") + "\r\n\r\n")
                let response = try await connection.response()
                #expect(response.status == 401, "\(code)")
                #expect(response.text.contains(code))
            }
        }
    }

    /// Runs `body` with the port of a live gateway (token, Coolify webhook secret, no Coolify or SSH) logging into `log`.
    static func withLiveApp(
        log: RecordedLog, configure: (inout HTTPSettings) -> Void = { _ in }, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        let app = try await TestApp.make()
        var logger = Logger(label: "auth-bypass") { _ in RecordingLogHandler(log: log) }
        logger.logLevel = .trace
        var http = HTTPSettings(apiToken: TestApp.token, coolifyWebhookSecret: Self.secret)
        configure(&http)
        let application = try buildApplication(
            app.gateway(), http: http, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger
        )
        var failure: (any Error)?
        do {
            try await application.test(.live) { client in
                let port = try #require(client.port)
                try await body(port)
            }
        } catch { failure = error }
        try await app.store.close()
        if let failure { throw failure }
    }
}

/// Every log line written through ``RecordingLogHandler``, with its metadata.
final class RecordedLog: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { self.storage.withLock { $0 } }
    func append(_ line: String) { self.storage.withLock { $0.append(line) } }
}

/// A log handler that records each line (message and all metadata) into a ``RecordedLog``.
struct RecordingLogHandler: LogHandler {
    let log: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }
        self.log.append("\(level) \(message) \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}
