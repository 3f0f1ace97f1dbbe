import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage

/// A gateway application on a fresh SQLite file, as the tests drive it.
struct TestApp {
    static let token = "test-token-0123456789"
    static let authorized: HTTPFields = [.authorization: "Bearer \(token)"]

    let store: SQLiteStore
    let path: String

    static func make() async throws -> TestApp {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-http-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "http-tests"))
        do {
            try await store.migrate()
        } catch {
            // An SQLite connection must be closed before it is released, or SQLiteNIO traps.
            try? await store.close()
            throw error
        }
        return TestApp(store: store, path: path)
    }

    /// The gateway on this app's store, built as `serve` builds it, with the given stand-ins.
    func gateway(
        orchestrator: (any Orchestrator)? = nil,
        shell: (any ContainerShell)? = nil,
        previewRoutes: (any PreviewRoutesSource)? = nil,
        events: (any EventSink)? = nil,
        clock: any WallClock = SystemClock(),
        settings: GatewaySettings? = nil
    ) -> Gateway {
        Gateway.testing(
            store: self.store, orchestrator: orchestrator, shell: shell, previewRoutes: previewRoutes, events: events, clock: clock,
            settings: settings, logger: Logger(label: "http-tests")
        )
    }

    /// Runs `body` against the router of an app with `apiToken` on `gateway` (by default one with only `shell`), its
    /// background services running, then closes and removes the database.
    func test(
        apiToken: String? = TestApp.token,
        shell: (any ContainerShell)? = nil,
        gateway: Gateway? = nil,
        testing: TestingSetup = .router,
        configure: (inout HTTPSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var http = HTTPSettings(apiToken: apiToken, readinessTimeout: .seconds(1))
        configure(&http)
        let gateway = gateway ?? self.gateway(shell: shell)
        let app = try buildApplication(gateway, http: http, configuration: .init(), logger: Logger(label: "http-tests"))
        var failure: (any Error)?
        do { try await app.test(testing, body) } catch { failure = error }
        try await self.store.close()
        try? FileManager.default.removeItem(atPath: self.path)
        if let failure { throw failure }
    }
}

/// The uniform error body.
struct ErrorBody: Decodable {
    struct Detail: Decodable { let code: String; let message: String; let hint: String? }
    let error: Detail
}

extension TestResponse {
    /// The body decoded as the uniform error.
    func errorBody() throws -> ErrorBody {
        try JSONDecoder().decode(ErrorBody.self, from: Data(self.body.readableBytesView))
    }

    /// The body as JSON.
    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(self.body.readableBytesView)) as? [String: Any] ?? [:]
    }
}
