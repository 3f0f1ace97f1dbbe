import Events
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

@Suite("POST /v1/webhooks/coolify/{secret}")
struct CoolifyWebhookTests {
    static let secret = "s3cret-webhook-path-0123456789"
    static let uri = "/v1/webhooks/coolify/\(secret)"

    static func post(_ client: any TestClientProtocol, _ body: ByteBuffer, uri: String = CoolifyWebhookTests.uri) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: body)
    }

    @Test("a wrong, missing or unconfigured secret is 404; the right one needs no bearer token")
    func secret() async throws {
        let app = try await TestApp.make()
        try await app.test(gateway: app.unreachableCoolifyGateway(), configure: { $0.coolifyWebhookSecret = Self.secret }) { client throws in
            let body = ByteBuffer(string: #"{"event":"test","success":true}"#)
            #expect(try await Self.post(client, body, uri: "/v1/webhooks/coolify/wrong").status == .notFound)
            #expect(try await Self.post(client, body, uri: "/v1/webhooks/coolify/\(Self.secret)x").status == .notFound)
            #expect(try await Self.post(client, body, uri: "/v1/webhooks/coolify/").status == .notFound)
            let accepted = try await Self.post(client, body)
            #expect(accepted.status == .ok)
            #expect(try accepted.json()["accepted"] as? Bool == true)
        }
        try await TestApp.make().test { client throws in
            #expect(try await Self.post(client, ByteBuffer(string: "{}"), uri: "/v1/webhooks/coolify/anything").status == .notFound)
        }
        // A secret without Coolify: nothing would apply the deliveries, so the route stays off.
        try await TestApp.make().test(configure: { $0.coolifyWebhookSecret = Self.secret }) { client throws in
            #expect(try await Self.post(client, ByteBuffer(string: "{}")).status == .notFound)
        }
    }

    @Test("every shape is accepted with 200: unknown events, slash-escaped JSON, empty and 1 MiB of garbage")
    func shapes() async throws {
        let app = try await TestApp.make()
        try await app.test(gateway: app.unreachableCoolifyGateway(), configure: { $0.coolifyWebhookSecret = Self.secret }) { client throws in
            let bodies = [
                #"{"event":"brand_new_event","nested":{"a":[1,2]}}"#,
                #"{"success":true,"message":"New version successfully deployed","event":"deployment_success","application_uuid":"k0sw8c4gcs0o4c8ww4wgk0co","deployment_url":"https:\/\/coolify.example.com\/x","fqdn":null}"#,
                "", "[]", "null", "{\"event\":",
            ]
            for body in bodies {
                #expect(try await Self.post(client, ByteBuffer(string: body)).status == .ok)
            }
            var garbage = [UInt8](repeating: 0, count: BodyLimits.json)
            for index in garbage.indices { garbage[index] = UInt8.random(in: 0...255) }
            #expect(try await Self.post(client, ByteBuffer(bytes: garbage)).status == .ok)
            garbage.append(0)
            #expect(try await Self.post(client, ByteBuffer(bytes: garbage)).status == .contentTooLarge)
        }
    }

    @Test("container_stopped is applied by the queue's processor; a replayed body changes nothing")
    func appliedOnce() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let clock = CoolifyTestClock()
            let gateway = app.coolifyGateway(standIn, clock: clock)
            let lifecycle = try #require(gateway.lifecycle)
            let project = ProjectID(trusted: "proj_1")
            let uuid = try #require(try await lifecycle.ensure(
                EnsureRequest(workspace: WorkspaceSlug(trusted: "acme"), project: project, slug: ProjectSlug(trusted: "app"))
            ).serviceUuid)
            await standIn.setStatus(uuid, "running:healthy")
            await gateway.reconciler?.reconcileOnce(includeRunning: false)
            try await app.test(gateway: gateway, configure: { $0.coolifyWebhookSecret = Self.secret }) { client throws in
                let stopped = ByteBuffer(string: #"{"event":"container_stopped","container_name":"vibn-dev-\#(uuid)","server_uuid":"\#(standIn.serverUUID)","url":"https:\/\/c.example.com"}"#)
                // Believed because Coolify confirms it, past the grace after the start.
                await standIn.setStatus(uuid, "exited")
                clock.advance(by: LifecycleSettings(sshConfigured: true).staleStatusGrace.timeInterval + 1)
                #expect(try await Self.post(client, stopped).status == .ok)
                try await eventually("suspended", within: .seconds(20)) { try await app.store.container(project)?.state == .suspended }
                _ = try await lifecycle.resume(workspace: WorkspaceSlug(trusted: "acme"), project: project)
                #expect(try await Self.post(client, stopped).status == .ok)
                // A later delivery with a visible effect proves the replay before it was processed.
                let unreachable = ByteBuffer(string: #"{"event":"server_unreachable","server_uuid":"\#(standIn.serverUUID)"}"#)
                #expect(try await Self.post(client, unreachable).status == .ok)
                try await eventually("server unreachable recorded", within: .seconds(20)) {
                    try await app.store.diagnostics(project).coolifyStatus == "server:unreachable"
                }
                #expect(try await app.store.container(project)?.state == .running)
            }
        }
    }

    @Test("high_disk_usage about the configured server is logged, counted in /metrics and sent as host.disk_high; another server's is ignored")
    func highDiskUsage() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let recorder = EventRecorder(store: app.store, logger: Logger(label: "http-tests"), wake: {})
            let gateway = app.coolifyGateway(standIn, events: recorder)
            try await app.test(gateway: gateway, configure: { $0.coolifyWebhookSecret = Self.secret }) { client throws in
                let ours = #"{"success":false,"event":"high_disk_usage","server_name":"host-a","server_uuid":"\#(standIn.serverUUID)","disk_usage":91,"threshold":80,"url":"https:\/\/c.example.com"}"#
                let other = #"{"event":"high_disk_usage","server_name":"host-b","server_uuid":"someone-else","disk_usage":99,"threshold":80}"#
                #expect(try await Self.post(client, ByteBuffer(string: other)).status == .ok)
                #expect(try await Self.post(client, ByteBuffer(string: ours)).status == .ok)
                try await eventually("a host.disk_high event recorded", within: .seconds(20)) {
                    try await app.store.pendingEvents(createdAfter: .distantPast, limit: 10).contains { $0.type == .hostDiskHigh }
                }
                try await eventually("every webhook delivery applied", within: .seconds(20)) { try await app.store.pendingDeliveries(limit: 10).isEmpty }
                let events = try await app.store.pendingEvents(createdAfter: .distantPast, limit: 10).filter { $0.type == .hostDiskHigh }
                #expect(events.count == 1)
                let event = try #require(events.first)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(event.body.utf8)) as? [String: Any])
                #expect(body["type"] as? String == "host.disk_high")
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["serverUuid"] as? String == standIn.serverUUID && data["serverName"] as? String == "host-a")
                #expect(data["diskUsagePercent"] as? Int == 91 && data["thresholdPercent"] as? Int == 80)
                let metrics = try await MetricsTests.scrape(client)
                #expect(metrics.contains("vibn_host_disk_usage_percent{server=\"\(standIn.serverUUID)\"} 91.0"))
                #expect(metrics.contains("vibn_host_disk_high_reports_total{server=\"\(standIn.serverUUID)\"} 1"))
                #expect(!metrics.contains { $0.contains("someone-else") })
            }
        }
    }
}
