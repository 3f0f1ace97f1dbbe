import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a stand-in HTTP server on 127.0.0.1 for the length of a test, and stops it gracefully.
///
/// Graceful, not by cancellation: a connection that arrives while a cancelled server tears down trips
/// NIO's "Deinited NIOAsyncWriter without calling finish()" and crashes the whole test process.
public enum LoopbackServer {
    /// The server could not start.
    public struct DidNotStart: Error, CustomStringConvertible {
        public var description: String { "the loopback stand-in server did not start" }
    }

    /// Builds the application with the given `onServerRunning` callback, runs it, calls `body` with its port,
    /// then shuts it down gracefully and waits for it.
    public static func with<App: ApplicationProtocol, T: Sendable>(
        _ makeApplication: (@escaping @Sendable (any Channel) async -> Void) -> App,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let app = makeApplication { channel in
            sink.yield(channel.localAddress?.port ?? 0)
            sink.finish()
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: [],
                logger: Logger(label: "loopback-server", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { sink.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            let result: Result<T, any Error>
            if let port = await iterator.next(), port > 0 {
                do { result = .success(try await body(port)) } catch { result = .failure(error) }
            } else {
                result = .failure(DidNotStart())
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
