import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
@testable import PreviewConfig
import Storage
import Testing

/// Preview traffic counts as activity: the real Traefik's per-router request counters, read by the gateway.
@Suite("Preview traffic as activity")
struct TraefikTrafficTests {
    @Test("requests through a project's preview host record its activity; a project without visitors is left alone")
    func trafficIsActivity() async throws {
        try await Fixtures.withStore { folder, store in
            let dynamic = folder.appendingPathComponent("dynamic")
            try FileManager.default.createDirectory(at: dynamic, withIntermediateDirectories: true)
            try await TraefikUpstreamStandIn.with(answering: "hello from the dev server") { upstream in
                let routing = try PreviewRouting(
                    domainBase: "preview.test", entryPoints: ["web"], certResolver: nil, upstreamPattern: "http://127.0.0.1:\(upstream)"
                )
                let publisher = TraefikConfigPublisher(
                    store: store, builder: try TraefikConfigBuilder(routing: routing), directory: dynamic, logger: Logger(label: "traffic")
                )
                let visited = try await TraefikPublisherTests.seedPreview(store, project: "proj_visited", slug: "shop")
                let quiet = try await TraefikPublisherTests.seedPreview(store, project: "proj_quiet", slug: "blog")
                try await publisher.refresh()
                let record = try #require(try await store.container(visited.projectID))
                let host = routing.host(slug: try #require(record.projectSlug), token: try #require(record.previewToken), port: visited.port)
                try await TraefikPeer.with(provider: .file(directory: dynamic)) { traefik in
                    try await traefik.waitFor(host: host, status: 200, body: "hello from the dev server")
                    let clock = CoolifyTestClock(TraefikPublisherTests.now.addingTimeInterval(3600))
                    let watcher = TraefikTrafficWatcher(metricsURL: traefik.metricsURL, store: store, clock: clock, logger: Logger(label: "traffic"))
                    // The first read takes the counters in (Traefik counts from its start, not from the gateway's).
                    #expect(try await watcher.readOnce() == [])
                    #expect(try await watcher.readOnce() == [])
                    for _ in 0..<3 { #expect(try await traefik.request(host: host).status == 200) }
                    #expect(try await watcher.readOnce() == [visited.projectID])
                    #expect(try await store.container(visited.projectID)?.lastActiveAt == clock.now)
                    #expect(try await store.container(quiet.projectID)?.lastActiveAt != clock.now)
                    // Nothing new since: nothing recorded.
                    #expect(try await watcher.readOnce() == [])
                }
            }
        }
    }

    @Test("the counters are summed per router over their other labels, without the provider suffix")
    func parsing() {
        let text = """
            # HELP traefik_router_requests_total How many HTTP requests are processed on a router.
            # TYPE traefik_router_requests_total counter
            traefik_router_requests_total{code="200",method="GET",protocol="http",router="p0-shop-aaaa@file",service="p0-shop-aaaa@file"} 3
            traefik_router_requests_total{code="404",method="GET",protocol="http",router="p0-shop-aaaa@file",service="p0-shop-aaaa@file"} 2
            traefik_router_requests_total{code="503",method="GET",protocol="http",router="vibn-preview-wake@http",service="x@http"} 1.5e+01
            traefik_router_request_duration_seconds_count{router="p0-shop-aaaa@file"} 99
            traefik_router_requests_total{router="broken" 7
            """
        #expect(TraefikTrafficWatcher.routerRequests(in: text) == ["p0-shop-aaaa": 5, "vibn-preview-wake": 15])
    }
}
