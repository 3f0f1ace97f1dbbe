import Hummingbird
import Logging
import NIOCore

/// A loopback HTTP server standing in for a dev server behind a preview: every path answers 200 with `body`.
public enum TraefikUpstreamStandIn {
    /// Runs the server on a free port of 127.0.0.1, calls `body` with that port, then stops the server.
    public static func with<T: Sendable>(answering text: String, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.get("**") { _, _ in text }
        router.get("/") { _, _ in text }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        // The server is cancelled when the test is done; the errors Hummingbird logs about that are expected.
        var logger = Logger(label: "dev-server-stand-in")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw TraefikProbeTimeout(description: "the dev-server stand-in did not start") }
            return try await body(port)
        }
    }
}
