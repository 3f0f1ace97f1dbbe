import Foundation
import GatewayCore
import PreviewConfig
import Testing
import Yams

@Suite("Traefik dynamic configuration")
struct TraefikConfigTests {
    func builder(certResolver: String? = "letsencrypt-dns", certificate: TraefikDynamicConfiguration.Certificate? = nil) throws -> TraefikConfigBuilder {
        let routing = try PreviewRouting(
            domainBase: "preview.vibnai.com", entryPoints: ["https"], certResolver: certResolver,
            upstreamPattern: "http://vibn-dev-{serviceUuid}:{port}"
        )
        return try TraefikConfigBuilder(routing: routing, defaultCertificate: certificate)
    }

    @Test("live previews encode to the golden JSON and YAML documents")
    func golden() throws {
        let builder = try self.builder()
        #expect(try builder.document(for: Fixtures.previews, as: .json) == (try Fixtures.golden("traefik-dynamic.golden.json")))
        #expect(try builder.document(for: Fixtures.previews, as: .yaml) == (try Fixtures.golden("traefik-dynamic.golden.yml")))
    }

    @Test("one router and one service per live preview, with host, entry points, TLS and upstream")
    func routers() throws {
        let configuration = try self.builder().configuration(for: Fixtures.previews)
        let http = try #require(configuration.http)
        let name = "p5-shop-\(Fixtures.token.base32)"
        #expect(http.routers.count == 3)
        #expect(http.services.count == 3)
        let router = try #require(http.routers[name])
        #expect(router.rule == "Host(`\(name).preview.vibnai.com`)")
        #expect(router.entryPoints == ["https"])
        #expect(router.tls?.certResolver == "letsencrypt-dns")
        #expect(router.service == name)
        #expect(http.services[name]?.loadBalancer.servers.map(\.url) == ["http://vibn-dev-abc123:3005"])
    }

    @Test("with no live preview the document is an empty map, never an empty http or routers map")
    func empty() throws {
        let builder = try self.builder()
        #expect(try builder.document(for: [], as: .json) == "{}\n")
        let yaml = try builder.document(for: [], as: .yaml)
        #expect(yaml.hasSuffix("\n---\n{}\n") && !yaml.contains("http"))
    }

    @Test("an empty certificate resolver leaves routers without tls; the URL is then http")
    func plainHTTP() throws {
        let builder = try self.builder(certResolver: nil)
        let configuration = builder.configuration(for: Fixtures.previews)
        #expect(configuration.http?.routers.values.allSatisfy { $0.tls == nil } == true)
        #expect(!(try builder.document(for: Fixtures.previews, as: .yaml)).contains("tls"))
        let url = builder.routing.previewURL(slug: ProjectSlug(trusted: "shop"), token: Fixtures.token, port: try PreviewPort(validating: 3001))
        #expect(url == "http://p1-shop-\(Fixtures.token.base32).preview.vibnai.com")
    }

    @Test("a configured wildcard certificate becomes the default TLS store's certificate")
    func defaultCertificate() throws {
        let certificate = TraefikDynamicConfiguration.Certificate(certFile: "/certs/preview.crt", keyFile: "/certs/preview.key")
        let builder = try self.builder(certificate: certificate)
        let configuration = builder.configuration(for: [])
        #expect(configuration.tls?.stores["default"]?.defaultCertificate == certificate)
        #expect(configuration.http == nil)
        #expect {
            try self.builder(certificate: .init(certFile: "/certs/{{x}}.crt", keyFile: "/k"))
        } throws: { ($0 as? ValidationError)?.field == "VIBN_PREVIEW_DEFAULT_CERT_FILE" }
    }

    @Test("malformed routing settings are refused naming the variable", arguments: [
        ("preview..com", "https", "http://x:{port}", "VIBN_PREVIEW_DOMAIN_BASE"),
        ("Preview.com", "https", "http://x:{port}", "VIBN_PREVIEW_DOMAIN_BASE"),
        ("p.com`)", "https", "http://x:{port}", "VIBN_PREVIEW_DOMAIN_BASE"),
        ("p.com", "https web", "http://x:{port}", "VIBN_PREVIEW_ENTRYPOINTS"),
        ("p.com", "", "http://x:{port}", "VIBN_PREVIEW_ENTRYPOINTS"),
        ("p.com", "https", "ftp://x:{port}", "VIBN_PREVIEW_UPSTREAM"),
        ("p.com", "https", "http://x:{{port}}", "VIBN_PREVIEW_UPSTREAM"),
        ("p.com", "https", "http://x y", "VIBN_PREVIEW_UPSTREAM"),
    ])
    func badRouting(domain: String, entryPoint: String, upstream: String, field: String) {
        #expect {
            try PreviewRouting(domainBase: domain, entryPoints: [entryPoint], certResolver: nil, upstreamPattern: upstream)
        } throws: { ($0 as? ValidationError)?.field == field }
    }
}
