import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PreviewConfig
import Storage
import Testing

/// A gateway whose preview routes are published from a fresh SQLite store into a temporary dynamic directory.
struct TraefikTestGateway {
    static let providerToken = "traefik-provider-token-0123"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    let store: SQLiteStore
    let publisher: TraefikConfigPublisher
    let routing: PreviewRouting
    let dynamicFile: URL

    /// Runs `body` with a gateway on `framework` (router or live), then removes its files.
    static func with(
        _ framework: TestingSetup = .router, upstreamPort: Int = 9, providerToken: String? = Self.providerToken,
        _ body: @Sendable (TraefikTestGateway, any TestClientProtocol) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-traefik-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await SQLiteStore.open(path: folder.appendingPathComponent("db.sqlite").path, logger: Logger(label: "traefik-http"))
        try await store.migrate()
        let routing = try PreviewRouting(
            domainBase: "preview.test", entryPoints: ["web"], certResolver: nil, upstreamPattern: "http://127.0.0.1:\(upstreamPort)"
        )
        let dynamic = folder.appendingPathComponent("dynamic")
        let publisher = TraefikConfigPublisher(
            store: store, builder: try TraefikConfigBuilder(routing: routing), directory: dynamic, logger: Logger(label: "traefik-http")
        )
        let gateway = TraefikTestGateway(
            store: store, publisher: publisher, routing: routing,
            dynamicFile: dynamic.appendingPathComponent(TraefikConfigPublisher.fileName)
        )
        let app = try buildApplication(
            Gateway.testing(store: store, previewRoutes: publisher),
            http: HTTPSettings(apiToken: TestApp.token, traefikProviderToken: providerToken),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Logger(label: "traefik-http")
        )
        var failure: (any Error)?
        do { try await app.test(framework) { client in try await body(gateway, client) } } catch { failure = error }
        try await store.close()
        if let failure { throw failure }
    }

    /// A running container with a live dev server on port 3000; returns its preview host.
    func addPreview() async throws -> (host: String, server: DevServerRecord) {
        let project = ProjectID(trusted: "proj_1")
        let workspace = WorkspaceSlug(trusted: "acme")
        let reserved = try await self.store.reserveContainer(
            ContainerReservation(projectID: project, workspace: workspace, projectSlug: ProjectSlug(trusted: "shop"), image: "vibn-dev:latest"),
            at: Self.now
        )
        _ = try await self.store.recordServiceUUID(ServiceUUID(trusted: "svc1"), for: project)
        _ = try await self.store.transitionContainer(project, from: .provisioning, to: .running, at: Self.now)
        let port = try PreviewPort(validating: 3000)
        let token = try #require(reserved.record.previewToken)
        let server = DevServerRecord(
            id: .random(), projectID: project, workspace: workspace, name: "web", command: "npm run dev", port: port, pid: nil,
            previewURL: self.routing.previewURL(slug: ProjectSlug(trusted: "shop"), token: token, port: port),
            state: .running, startedAt: Self.now, stoppedAt: nil
        )
        try await self.store.insertDevServer(server)
        self.publisher.previewsChanged()
        return (self.routing.host(slug: ProjectSlug(trusted: "shop"), token: token, port: port), server)
    }
}

@Suite("GET /v1/traefik/dynamic")
struct TraefikRouteTests {
    static let path = "/v1/traefik/dynamic"
    static let authorized: HTTPFields = [.authorization: "Bearer \(TraefikTestGateway.providerToken)"]

    @Test("JSON by default, YAML on Accept: application/yaml, each with its ETag")
    func formats() async throws {
        try await TraefikTestGateway.with { gateway, client in
            let (host, _) = try await gateway.addPreview()
            try await gateway.publisher.refresh()
            try await client.execute(uri: Self.path, method: .get, headers: Self.authorized) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = String(buffer: response.body)
                #expect(body.contains("Host(`\(host)`)"))
                #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
            }
            var yamlHeaders = Self.authorized
            yamlHeaders[.accept] = "application/yaml"
            try await client.execute(uri: Self.path, method: .get, headers: yamlHeaders) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                let body = String(buffer: response.body)
                #expect(body.contains("rule: 'Host(`\(host)`)'"))
                #expect(body == (try String(contentsOf: gateway.dynamicFile, encoding: .utf8)), "the YAML is the file Traefik reads")
                #expect(response.headers[.eTag]?.hasSuffix("-yaml\"") == true)
            }
        }
    }

    @Test("If-None-Match with the current ETag answers 304; a change gives a new ETag")
    func etag() async throws {
        try await TraefikTestGateway.with { gateway, client in
            try await gateway.publisher.refresh()
            let first = try await client.execute(uri: Self.path, method: .get, headers: Self.authorized).headers[.eTag]
            let etag = try #require(first)
            var conditional = Self.authorized
            conditional[.ifNoneMatch] = etag
            try await client.execute(uri: Self.path, method: .get, headers: conditional) { response in
                #expect(response.status == .notModified)
                #expect(response.headers[.eTag] == etag)
                #expect(response.body.readableBytes == 0)
            }
            _ = try await gateway.addPreview()
            try await gateway.publisher.refresh()
            try await client.execute(uri: Self.path, method: .get, headers: conditional) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != etag)
            }
        }
    }

    @Test("the provider token is required; the API token does not open it when a provider token is set", arguments: [
        [:], [.authorization: "Bearer wrong"], [.authorization: "Bearer \(TestApp.token)"],
    ] as [HTTPFields])
    func unauthorized(headers: HTTPFields) async throws {
        try await TraefikTestGateway.with { _, client in
            try await client.execute(uri: Self.path, method: .get, headers: headers) { response throws in
                #expect(response.status == .unauthorized)
                #expect(try response.errorBody().error.code == "unauthorized")
            }
        }
    }

    @Test("without a provider token the route is off: the API token never opens it; other methods are 405")
    func noFallbackToken() async throws {
        try await TraefikTestGateway.with(providerToken: nil) { _, client in
            for headers in [TestApp.authorized, Self.authorized, [:]] as [HTTPFields] {
                try await client.execute(uri: Self.path, method: .get, headers: headers) { response throws in
                    #expect(response.status == .notFound)
                    #expect(try response.errorBody().error.code == "traefik_provider_disabled")
                }
            }
            try await client.execute(uri: Self.path, method: .post, headers: TestApp.authorized) { response in
                #expect(response.status == .methodNotAllowed)
            }
        }
    }

    @Test("the API token does not open the provider route when a provider token is set")
    func apiTokenRefused() async throws {
        try await TraefikTestGateway.with { _, client in
            try await client.execute(uri: Self.path, method: .get, headers: TestApp.authorized) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("injection attempts in slugs and paths are 400 and nothing is stored or written", arguments: [
        "shop\nx", "shop\"", "shop`", "{{shop}}", "shop}", "$shop", "sh\u{043E}p", String(repeating: "a", count: 41),
    ])
    func injection(hostile: String) async throws {
        try await TraefikTestGateway.with { gateway, client in
            try await gateway.publisher.refresh()
            let before = try Data(contentsOf: gateway.dynamicFile)
            let body = try JSONSerialization.data(withJSONObject: ["slug": hostile])
            try await client.execute(
                uri: "/v1/workspaces/acme/projects/proj_1/container", method: .put, headers: TestApp.authorized,
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .badRequest)
            }
            let encoded = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? hostile
            try await client.execute(uri: "/v1/workspaces/\(encoded)/projects/proj_1/container", method: .get, headers: TestApp.authorized) { response in
                #expect(response.status == .badRequest)
            }
            #expect(try await gateway.store.container(ProjectID(trusted: "proj_1")) == nil)
            try await gateway.publisher.refresh()
            #expect(try Data(contentsOf: gateway.dynamicFile) == before)
        }
    }
}
