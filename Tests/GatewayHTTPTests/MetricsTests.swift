import Foundation
import GatewayCore
import GatewayHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@Suite("GET /metrics")
struct MetricsTests {
    static let project = "proj_metrics_7"

    /// The scrape's lines, after checking it is a 200 in the Prometheus text format.
    static func scrape(_ client: any TestClientProtocol) async throws -> [Substring] {
        let response = try await client.execute(uri: "/metrics", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        return String(buffer: response.body).split(separator: "\n")
    }

    @Test("counts requests by method and status, reads containers from the store, and never names a path")
    func countsAndGauges() async throws {
        let app = try await TestApp.make()
        _ = try await app.store.reserveContainer(
            ContainerReservation(
                projectID: ProjectID(validating: Self.project), workspace: WorkspaceSlug(validating: "acme"),
                projectSlug: ProjectSlug(validating: "app"), image: "vibn-dev:latest"
            ),
            at: Date()
        )
        // A loaded machine (the whole suite on two cores) may take far longer than the usual 1 s to read the gauges; this
        // test is about what they say.
        try await app.test(gateway: app.unreachableCoolifyGateway(), configure: {
            $0.coolifyWebhookSecret = CoolifyWebhookTests.secret
            $0.readinessTimeout = .seconds(30)
        }) { client throws in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let container = "/v1/workspaces/acme/projects/\(Self.project)/container"
            #expect(try await client.execute(uri: container, method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/nope", method: .get).status == .notFound)
            #expect(try await CoolifyWebhookTests.post(client, ByteBuffer(string: "{}")).status == .ok)

            let lines = try await Self.scrape(client)
            for expected in [
                #"vibn_http_requests_total{method="GET",status="200"} 1"#,
                #"vibn_http_requests_total{method="GET",status="401"} 1"#,
                #"vibn_http_requests_total{method="GET",status="404"} 1"#,
                #"vibn_http_requests_total{method="POST",status="200"} 1"#,
                #"vibn_http_request_duration_seconds_count{method="GET"} 3"#,
                #"vibn_http_request_duration_seconds_bucket{method="GET",le="+Inf"} 3"#,
                #"vibn_containers{state="provisioning"} 1.0"#,
                #"vibn_containers{state="running"} 0.0"#,
                "vibn_live_previews 0.0",
                #"vibn_work_pending{kind="chat_turn"} 0.0"#,
                #"vibn_work_pending{kind="dev_server"} 0.0"#,
                "vibn_outbox_pending 0.0",
                #"vibn_server_containers{server="default"} 1.0"#,
                #"vibn_server_draining{server="default"} 0.0"#,
                #"vibn_work_applied_total{kind="chat_turn",outcome="applied"} 0"#,
                #"vibn_work_applied_total{kind="chat_turn",outcome="failed"} 0"#,
                "# TYPE vibn_http_requests_total counter",
                "# TYPE vibn_http_request_duration_seconds histogram",
            ] {
                #expect(lines.contains(Substring(expected)), "\(expected)")
            }
            // The webhook just posted may still be pending, or applied already.
            #expect(lines.contains { $0.hasPrefix(#"vibn_work_pending{kind="webhook"} "#) })
            for secret in [Self.project, "acme", CoolifyWebhookTests.secret, "webhooks", "/"] {
                #expect(!lines.contains { $0.contains(secret) }, "\(secret)")
            }

            // The first scrape is counted once it has answered.
            #expect(try await Self.scrape(client).contains(#"vibn_http_requests_total{method="GET",status="200"} 2"#))
            let wrongMethod = try await client.execute(uri: "/metrics", method: .post)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET")
        }
    }

    @Test("the store gauges are read at most once per lifetime: a burst of scrapes does not load the store")
    func cachedGauges() async throws {
        for ttl in [Duration.seconds(3600), .zero] {
            let app = try await TestApp.make()
            // A loaded machine may take longer than the usual 1 s to read the gauges; this test is about how often.
            try await app.test(configure: { $0.metricsStoreTTL = ttl; $0.readinessTimeout = .seconds(30) }) { client throws in
                #expect(try await Self.scrape(client).contains(#"vibn_containers{state="provisioning"} 0.0"#))
                _ = try await app.store.reserveContainer(
                    ContainerReservation(
                        projectID: ProjectID(validating: Self.project), workspace: WorkspaceSlug(validating: "acme"),
                        projectSlug: ProjectSlug(validating: "app"), image: "vibn-dev:latest"
                    ),
                    at: Date()
                )
                // Within the cache's lifetime every scrape answers from the first read; past it, from a new one.
                let expected = ttl == .zero ? #"vibn_containers{state="provisioning"} 1.0"# : #"vibn_containers{state="provisioning"} 0.0"#
                for _ in 0..<50 {
                    #expect(try await Self.scrape(client).contains(Substring(expected)), "ttl \(ttl)")
                }
            }
        }
    }

    @Test("a store that does not answer leaves the store gauges out; the request metrics still answer 200")
    func storeDown() async throws {
        let app = try await TestApp.make()
        try await app.test { client throws in
            try await app.store.close()
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let lines = try await Self.scrape(client)
            // A fresh application counts only its own request: no registry is shared between applications.
            #expect(lines.contains(#"vibn_http_requests_total{method="GET",status="200"} 1"#))
            #expect(!lines.contains { $0.contains("vibn_containers") || $0.contains("vibn_live_previews") })
        }
    }
}
