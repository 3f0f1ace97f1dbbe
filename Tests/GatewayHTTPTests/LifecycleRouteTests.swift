import Coolify
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
import Testing

extension TestApp {
    /// The app's gateway with Coolify played by `standIn` (a quota of 3 unless given).
    func coolifyGateway(
        _ standIn: CoolifyStandIn, quota: Int = 3, sshConfigured: Bool = true, shell: (any ContainerShell)? = nil,
        events: (any EventSink)? = nil, clock: any WallClock = SystemClock()
    ) -> Gateway {
        let client = CoolifyClient(
            configuration: CoolifyConfiguration(apiURL: standIn.url, token: standIn.token, serverUUID: standIn.serverUUID),
            logger: Logger(label: "http-tests")
        )
        return self.gateway(
            orchestrator: CoolifyOrchestrator(client: client), shell: shell, events: events, clock: clock,
            settings: .testing(quota: quota, sshConfigured: sshConfigured, coolifyServerUUID: standIn.serverUUID)
        )
    }

    /// The app's gateway with a Coolify that nothing answers for (connections are refused at once).
    func unreachableCoolifyGateway(settings: GatewaySettings = .testing()) -> Gateway {
        let client = CoolifyClient(
            configuration: CoolifyConfiguration(
                apiURL: URL(string: "http://127.0.0.1:1")!, token: "t", serverUUID: "s",
                retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5))
            ),
            logger: Logger(label: "http-tests")
        )
        return self.gateway(orchestrator: CoolifyOrchestrator(client: client), settings: settings)
    }
}

@Suite("Container lifecycle routes")
struct LifecycleRouteTests {
    static let container = "/v1/workspaces/acme/projects/proj_1/container"

    static func put(_ client: any TestClientProtocol, _ body: String, uri: String = container) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .put, headers: TestApp.authorized, body: ByteBuffer(string: body))
    }

    @Test("without Coolify, changes answer 503 coolify_not_configured naming the variables; status still answers")
    func notConfigured() async throws {
        try await TestApp.make().test { client throws in
            let response = try await Self.put(client, #"{"slug":"app"}"#)
            #expect(response.status == .serviceUnavailable)
            let error = try response.errorBody().error
            #expect(error.code == "coolify_not_configured")
            #expect(error.hint?.contains("COOLIFY_API_URL") == true)
            for action in ["suspend", "resume"] {
                let answer = try await client.execute(uri: "\(Self.container)/\(action)", method: .post, headers: TestApp.authorized)
                #expect(answer.status == .serviceUnavailable)
            }
            let status = try await client.execute(uri: Self.container, method: .get, headers: TestApp.authorized)
            #expect(status.status == .ok)
        }
    }

    @Test("PUT creates (201) then returns (200); suspend and resume answer the status; bad input is 400")
    func lifecycle() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            try await app.test(gateway: app.coolifyGateway(standIn)) { client throws in
                let created = try await Self.put(client, #"{"slug":"app","name":"My App","start":true}"#)
                #expect(created.status == .created)
                let json = try created.json()
                #expect(json["created"] as? Bool == true && json["state"] as? String == "provisioning")
                let uuid = try #require(json["serviceUuid"] as? String)
                let again = try await Self.put(client, #"{"slug":"app"}"#)
                #expect(again.status == .ok)
                #expect(try again.json()["serviceUuid"] as? String == uuid)
                #expect(try again.json()["created"] as? Bool == false)

                let suspended = try await client.execute(uri: "\(Self.container)/suspend", method: .post, headers: TestApp.authorized)
                #expect(suspended.status == .ok)
                #expect(try suspended.json()["state"] as? String == "suspended")
                let resumed = try await client.execute(uri: "\(Self.container)/resume", method: .post, headers: TestApp.authorized)
                #expect(resumed.status == .ok)
                #expect(try resumed.json()["state"] as? String == "running")

                #expect(try await Self.put(client, #"{"slug":"Bad Slug"}"#).errorBody().error.code == "invalid_slug")
                #expect(try await Self.put(client, #"{"name":"x"}"#).status == .badRequest)
                #expect(try await Self.put(client, "not json").status == .badRequest)
                let foreign = try await Self.put(client, #"{"slug":"app"}"#, uri: "/v1/workspaces/other/projects/proj_1/container")
                #expect(foreign.status == .notFound)
                #expect(try foreign.errorBody().error.code == "project_not_found")
                let none = try await client.execute(uri: "/v1/workspaces/acme/projects/none/container/suspend", method: .post, headers: TestApp.authorized)
                #expect(none.status == .notFound)
                #expect(try none.errorBody().error.code == "no_container")
                let wrongMethod = try await client.execute(uri: "\(Self.container)/suspend", method: .get, headers: TestApp.authorized)
                #expect(wrongMethod.status == .methodNotAllowed)
                #expect(await standIn.count("POST", "/services") == 1)
            }
        }
    }

    @Test("an unreachable Coolify is 502 coolify_unreachable and fails the reserved row with a reason")
    func unreachable() async throws {
        let app = try await TestApp.make()
        try await app.test(gateway: app.unreachableCoolifyGateway(settings: .testing(quota: 3))) { client throws in
            let response = try await Self.put(client, #"{"slug":"app"}"#)
            #expect(response.status == .badGateway)
            let error = try response.errorBody().error
            #expect(error.code == "coolify_unreachable")
            #expect(error.message.hasPrefix("Coolify could not be reached: ") && error.hint == "Check COOLIFY_API_URL.")
            #expect(response.headers[.retryAfter] == nil)
            let status = try await client.execute(uri: Self.container, method: .get, headers: TestApp.authorized)
            #expect(try status.json()["state"] as? String == "failed")
            #expect(try status.json()["blockedReason"] as? String == "coolify_create_failed")
        }
    }

    @Test("over the quota is 402 quota_exceeded; without SSH it is 503 ssh_not_configured")
    func refusals() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            try await app.test(gateway: app.coolifyGateway(standIn, quota: 0)) { client throws in
                let response = try await Self.put(client, #"{"slug":"app"}"#)
                #expect(response.status.code == 402)
                #expect(try response.errorBody().error.code == "quota_exceeded")
            }
            let other = try await TestApp.make()
            try await other.test(gateway: other.coolifyGateway(standIn, sshConfigured: false)) { client throws in
                let response = try await Self.put(client, #"{"slug":"app"}"#)
                #expect(response.status == .serviceUnavailable)
                #expect(try response.errorBody().error.code == "ssh_not_configured")
            }
        }
    }
}
