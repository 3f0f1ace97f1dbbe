import Foundation
import GatewayCore
@testable import PreviewConfig
import Testing
import Yams

@Suite("Traefik documents")
struct TraefikDocumentTests {
    /// `projects` x 10 live previews with distinct slugs and tokens.
    static func previews(projects: Int) throws -> [LivePreview] {
        try (0..<projects).flatMap { index in
            let token = PreviewToken(trusted: String(format: "%032x", index))
            return try PreviewPort.range.map { number in
                LivePreview(
                    devServerID: DevServerID(trusted: String(format: "ds_%012d", index * 10 + number % 10)),
                    projectID: ProjectID(trusted: "proj_\(index)"), projectSlug: ProjectSlug(trusted: "project-\(index)"),
                    previewToken: token, serviceUUID: ServiceUUID(trusted: "svc\(index)"),
                    port: try PreviewPort(validating: number), state: .running
                )
            }
        }
    }

    /// Every shape the document takes: TLS or not, wake route or not, default certificate or not.
    static func builders() throws -> [TraefikConfigBuilder] {
        var builders: [TraefikConfigBuilder] = []
        for certResolver in ["letsencrypt-dns", nil] {
            for wakeURL in ["http://vibn-gateway:8080", nil] {
                let routing = try PreviewRouting(
                    domainBase: "preview.vibnai.com", entryPoints: ["https", "web"], certResolver: certResolver,
                    upstreamPattern: "http://vibn-dev-{serviceUuid}:{port}", wakeURL: wakeURL
                )
                builders.append(try TraefikConfigBuilder(routing: routing))
                builders.append(try TraefikConfigBuilder(routing: routing, defaultCertificate: .init(certFile: "/certs/a.crt", keyFile: "/certs/a.key")))
            }
        }
        return builders
    }

    @Test("both formats decode (JSONDecoder, Yams) to the configuration, for every shape, above the decode-back limit too; the router names read without decoding are the same")
    func decodesBack() throws {
        let builders = try Self.builders()
        let cases = try builders.flatMap { builder in [[], try Self.previews(projects: 3)].map { (builder, $0) } }
            + [(builders[0], try Self.previews(projects: 30))]
        for (builder, previews) in cases {
            let set = PreviewSet(previews)
            let expected = builder.configuration(for: set)
            let json = try builder.render(set, as: .json)
            let yaml = try builder.render(set, as: .yaml)
            #expect(try JSONDecoder().decode(TraefikDynamicConfiguration.self, from: Data(json)) == expected)
            #expect(try YAMLDecoder().decode(TraefikDynamicConfiguration.self, from: String(decoding: yaml, as: UTF8.self)) == expected)
            #expect(try builder.render(PreviewSet(previews.reversed()), as: .yaml) == yaml, "deterministic whatever the row order")
            let names = TraefikDynamicConfiguration.routerNames(inWrittenYAML: String(decoding: yaml, as: UTF8.self))
            #expect(names.sorted() == (expected.http?.routers.keys.sorted() ?? []), "the doctor's reading of a large file")
        }
        let large = try builders[0].render(PreviewSet(try Self.previews(projects: 30)), as: .yaml)
        #expect(large.count > TraefikConfigBuilder.decodeBackLimit)
    }

    @Test("the YAML is block style, two spaces per level, strings single-quoted, keys sorted, and starts with a comment")
    func yamlLayout() throws {
        let builder = try Self.builders()[1]
        let text = String(decoding: try builder.render(PreviewSet(try Self.previews(projects: 2)), as: .yaml), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("# Written by vibn-gateway") == true)
        #expect(lines[1] == "---")
        #expect(!text.contains("{") && !text.contains("\t") && !text.contains(" \n"))
        #expect(lines.allSatisfy { line in (line.prefix { $0 == " " }.count).isMultiple(of: 2) })
        #expect(text.contains("""
                p0-project-0-aaaaaaaaaaaaaaaaaaaaaaaaaa:
                  entryPoints:
                    - 'https'
                    - 'web'
                  rule: 'Host(`p0-project-0-aaaaaaaaaaaaaaaaaaaaaaaaaa.preview.vibnai.com`)'
                  service: 'p0-project-0-aaaaaaaaaaaaaaaaaaaaaaaaaa'
                  tls:
                    certResolver: 'letsencrypt-dns'
            """))
        #expect(text.contains("""
                    servers:
                      - url: 'http://vibn-dev-svc1:3009'
            """))
        let routers = lines.filter { $0.hasPrefix("    p") && $0.hasSuffix(":") }
        #expect(routers.count == 40 && Array(routers.prefix(20)) == Array(routers.prefix(20)).sorted())
        #expect(text.hasSuffix("""
            tls:
              stores:
                default:
                  defaultCertificate:
                    certFile: '/certs/a.crt'
                    keyFile: '/certs/a.key'

            """))
    }

    @Test("'{{' is refused, and a document that decodes to something else is refused")
    func checks() {
        #expect(throws: TraefikDocumentCheck.templates) { try TraefikDocumentCheck.noTemplates("a: '{{x}}'\n".utf8) }
        #expect(throws: PreviewConfigError.self) {
            try TraefikDocumentCheck.roundTrip(expected: TraefikDynamicConfiguration(http: nil, tls: nil)) {
                TraefikDynamicConfiguration(http: .init(routers: [:], services: [:]), tls: nil)
            }
        }
    }

    @Test("a set changed project by project equals the set read whole")
    func replace() throws {
        let all = try Self.previews(projects: 3)
        var set = PreviewSet(Array(all.prefix(10)))
        let added = set.replace([ProjectID(trusted: "proj_1"), ProjectID(trusted: "proj_2")], with: Array(all.dropFirst(10)))
        #expect(added && set == PreviewSet(all))
        #expect(set.routeCount == 30)
        let same = set.replace([ProjectID(trusted: "proj_1")], with: Array(all[10..<20]))
        #expect(!same, "the same previews change nothing")
        let removed = set.replace([ProjectID(trusted: "proj_0")], with: [])
        #expect(removed && set == PreviewSet(Array(all.dropFirst(10))))
    }
}
