import Foundation
import GatewayCore
import GatewayTestSupport
import HummingbirdTesting
import PreviewConfig
import Storage
import Testing

/// The real Traefik, its HTTP provider polling the gateway's `/v1/traefik/dynamic` served live on loopback.
@Suite("Traefik HTTP provider, end to end")
struct TraefikHTTPProviderTests {
    @Test("a live preview routes to its dev server (200, its body); once stopped, 404")
    func routes() async throws {
        try await TraefikUpstreamStandIn.with(answering: "hello over the HTTP provider") { upstream in
            try await TraefikTestGateway.with(.live, upstreamPort: upstream) { gateway, client in
                let port = try #require(client.port)
                let endpoint = "http://127.0.0.1:\(port)/v1/traefik/dynamic"
                try await TraefikPeer.with(provider: .http(endpoint: endpoint, token: TraefikTestGateway.providerToken)) { traefik in
                    let (host, server) = try await gateway.addPreview()
                    try await gateway.publisher.refresh()
                    try await traefik.waitFor(host: host, status: 200, body: "hello over the HTTP provider")

                    _ = try await gateway.store.transitionDevServer(server.id, project: server.projectID, from: .running, to: .stopped, at: .now)
                    try await gateway.publisher.refresh()
                    try await traefik.waitFor(host: host, status: 404)
                }
            }
        }
    }
}
