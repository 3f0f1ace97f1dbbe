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
        var logger = Logger(label: "dev-server-stand-in")
        logger.logLevel = .critical
        return try await LoopbackServer.with({ onServerRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: onServerRunning,
                logger: logger
            )
        }, body)
    }
}
