import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import Storage
import Testing

/// A container lifecycle on a store backend and a Coolify stand-in, with a clock the test moves.
struct LifecycleFixture: Sendable {
    let store: any GatewayStore
    let standIn: CoolifyStandIn
    let clock: CoolifyTestClock
    let gateway: Gateway
    let lifecycle: ContainerLifecycle
    let reconciler: Reconciler
    let workspace = uniqueWorkspace()

    /// Runs `body` with a fresh fixture.
    static func with(
        _ backend: StoreBackend,
        quota: Int = 100,
        sshConfigured: Bool = true,
        clientTimeout: Duration = .seconds(10),
        _ body: @escaping @Sendable (LifecycleFixture) async throws -> Void
    ) async throws {
        try await CoolifyStandIn.withRunning { standIn in
            try await Self.withIsolatedStore(backend) { store in
                let clock = CoolifyTestClock()
                let client = CoolifyClient(
                    configuration: CoolifyConfiguration(
                        apiURL: standIn.url, token: standIn.token, serverUUID: standIn.serverUUID, requestTimeout: clientTimeout,
                        retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))
                    ),
                    logger: Logger(label: "lifecycle-tests")
                )
                let gateway = Gateway.testing(
                    store: store, orchestrator: CoolifyOrchestrator(client: client), clock: clock,
                    settings: GatewaySettings(
                        // Waiting for a concurrent ensure's service is bounded by 10 s in production; these tests are
                        // about what every caller ends up with, also on a machine busy with every other suite.
                        lifecycle: LifecycleSettings(quotaPerWorkspace: quota, sshConfigured: sshConfigured, concurrentEnsureWait: .seconds(60)),
                        coolifyServerUUID: standIn.serverUUID, reconcileInterval: .milliseconds(10)
                    ),
                    logger: Logger(label: "lifecycle-tests")
                )
                try await body(LifecycleFixture(
                    store: store, standIn: standIn, clock: clock, gateway: gateway,
                    lifecycle: try #require(gateway.lifecycle), reconciler: try #require(gateway.reconciler)
                ))
            }
        }
    }

    /// A migrated store of its own: the reconciler scans every row, so tests must not see each other's.
    static func withIsolatedStore(_ backend: StoreBackend, _ body: (any GatewayStore) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            try await backend.withStore { store in try await body(store) }
        case .postgres:
            try await PostgresTestServer.withFreshDatabase { database in
                try await PostgresTestServer.withStore(database: database) { store in
                    try await store.migrate()
                    try await body(store)
                }
            }
        }
    }

    /// An ensure request for a new project of the fixture's workspace.
    func request(_ project: ProjectID = uniqueProject(), slug: String = "app", start: Bool = true) -> EnsureRequest {
        EnsureRequest(workspace: self.workspace, project: project, slug: ProjectSlug(trusted: slug), start: start)
    }

    /// The row of `project`, which must exist.
    func record(_ project: ProjectID) async throws -> ContainerRecord {
        try #require(try await self.store.container(project))
    }

    /// The project's service uuid, which must be recorded.
    func service(_ project: ProjectID) async throws -> String {
        try #require(try await self.record(project).serviceUUID?.rawValue)
    }

    /// How many services were created.
    func creates() async -> Int {
        await self.standIn.count("POST", "/services")
    }
}
