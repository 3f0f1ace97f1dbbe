import Coolify
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import SSHExec
import Storage
import Testing

/// A gateway on the test app's store, the Coolify stand-in and the real sshd (autosaving before each suspend),
/// with a clock the test moves; its lifecycle and idle sweeper.
struct IdleSweepFixture: Sendable {
    static let workspace = WorkspaceSlug(trusted: "acme")

    let app: TestApp
    let standIn: CoolifyStandIn
    let peer: SSHTestPeer
    let clock: CoolifyTestClock
    let gateway: Gateway
    let lifecycle: ContainerLifecycle
    let sweeper: IdleSweeper

    /// Runs `body` with a fresh fixture whose sweeper holds containers for `turnHoldMinutes` of an open turn and sweeps
    /// on its own every `sweepInterval` (by default never within a test), and a client of the app on its gateway.
    static func with(
        turnHoldMinutes: Int = 120,
        sweepInterval: Duration = .seconds(3600),
        _ body: @escaping @Sendable (IdleSweepFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let peer = try SSHTestPeer.require()
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let shell = try SSHExec(peer.configuration())
            let clock = CoolifyTestClock()
            let logger = Logger(label: "http-tests")
            let client = CoolifyClient(
                configuration: CoolifyConfiguration(apiURL: standIn.url, token: standIn.token, serverUUID: standIn.serverUUID),
                logger: logger
            )
            var settings = GatewaySettings.testing(quota: 10, coolifyServerUUID: standIn.serverUUID)
            settings.turnHoldMinutes = turnHoldMinutes
            settings.sweepInterval = sweepInterval
            // Turns the tests store themselves are not for the gateway's worker to apply.
            settings.turns.scanInterval = .seconds(3600)
            let gateway = app.gateway(orchestrator: CoolifyOrchestrator(client: client), shell: shell, clock: clock, settings: settings)
            let fixture = IdleSweepFixture(
                app: app, standIn: standIn, peer: peer, clock: clock, gateway: gateway,
                lifecycle: try #require(gateway.lifecycle), sweeper: try #require(gateway.idleSweeper)
            )
            do { try await fixture.test { client in try await body(fixture, client) } } catch {
                await shell.close()
                throw error
            }
            await shell.close()
        }
    }

    /// Runs `body` against the app on the fixture's gateway; closes the store after.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await self.app.test(gateway: self.gateway, body)
    }

    /// A running container of `project`, created through the Coolify stand-in, with a stand-in container on sshd.
    @discardableResult
    func running(_ project: ProjectID) async throws -> ServiceUUID {
        let outcome = try await self.lifecycle.ensure(EnsureRequest(workspace: Self.workspace, project: project, slug: ProjectSlug(trusted: "app")))
        let uuid = try ServiceUUID(validating: outcome.serviceUuid ?? "")
        _ = try await self.app.store.transitionContainer(project, from: .provisioning, to: .running, at: self.clock.now)
        try self.peer.makeContainer(named: "vibn-dev-\(uuid)")
        return uuid
    }

    /// Makes `/workspace/app` of `service` a git repository with uncommitted work, whose `origin` is a new bare
    /// repository; returns the bare repository's path.
    func makeRepository(in service: ServiceUUID) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountName: self.peer.user], ofItemAtPath: directory.path)
        let origin = ShellQuote.quote(directory.appendingPathComponent("origin.git").path)
        try await self.run("""
            git init -q --bare \(origin)
            mkdir -p /workspace/app && cd /workspace/app && git init -q -b main && git remote add origin \(origin)
            echo unsaved > work.txt
            """, in: service)
        return directory.appendingPathComponent("origin.git").path
    }

    /// The commit `origin` has at `vibn-autosave/main`, or an empty string.
    func autosaveBranch(_ origin: String, service: ServiceUUID) async throws -> String {
        try await self.run(
            "git --git-dir=\(ShellQuote.quote(origin)) rev-parse -q --verify refs/heads/vibn-autosave/main || true", in: service
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `script` (`set -e`) in the container of `service` and returns its stdout.
    @discardableResult
    func run(_ script: String, in service: ServiceUUID) async throws -> String {
        let shell = try #require(self.lifecycle.shell)
        let result = try await shell.exec(ExecRequest(command: "set -e\n" + script), in: service)
        try #require(result.exitCode == 0, "script failed: \(String(decoding: result.stderr, as: UTF8.self))")
        return String(decoding: result.stdout, as: UTF8.self)
    }
}

extension TestClientProtocol {
    /// `POST /v1/sweeps/idle` with `json` (no body when nil).
    func sweepIdle(_ json: String?) async throws -> TestResponse {
        var headers = TestApp.authorized
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: "/v1/sweeps/idle", method: .post, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}
