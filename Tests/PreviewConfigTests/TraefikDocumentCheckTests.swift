import Foundation
import GatewayCore
@testable import PreviewConfig
import Testing

@Suite("Traefik document checks")
struct TraefikDocumentCheckTests {
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

    @Test("a document above the decode-back limit is checked structurally, decodes to what was built, and is deterministic")
    func largeDocument() throws {
        let routing = try PreviewRouting(
            domainBase: "preview.vibnai.com", entryPoints: ["https"], certResolver: "letsencrypt-dns",
            upstreamPattern: "http://vibn-dev-{serviceUuid}:{port}"
        )
        let builder = try TraefikConfigBuilder(routing: routing)
        let configuration = builder.configuration(for: try Self.previews(projects: 100))
        #expect(configuration.http?.routers.count == 1000)
        let json = try builder.json(configuration)
        #expect(json.utf8.count > TraefikConfigBuilder.decodeBackLimit)
        #expect(!json.contains("{{"))
        #expect(try JSONDecoder().decode(TraefikDynamicConfiguration.self, from: Data(json.utf8)) == configuration)
        #expect(try builder.json(builder.configuration(for: try Self.previews(projects: 100))) == json)
    }

    @Test("well-formed compact JSON objects pass the structural check", arguments: [
        #"{}"#, #"{"a":"}"}"#, #"{"a":"\"}{"}"#, #"{"a":[{"b":true},{"c":["x","y"]}]}"#, #"{"a":"{ {"}"#,
    ])
    func accepted(_ text: String) throws {
        try TraefikDocumentCheck.structure(of: Data(text.utf8))
    }

    @Test("the structural check refuses '{{', unbalanced or truncated JSON, trailing bytes and raw control characters", arguments: [
        #"{{}}"#, #"{"a":"{{x}}"}"#, #"{"a":[1}"#, #"{"a":1"#, #"{"a":"x}"#, #"{"a":1}x"#, #"{"a":1}{}"#,
        "{\"a\":\"x\ny\"}", #"["a"]"#, "", #"{"a":"\"}"#, #"{"a":1]}"#,
    ])
    func refused(_ text: String) {
        #expect(throws: PreviewConfigError.self) { try TraefikDocumentCheck.structure(of: Data(text.utf8)) }
    }

    @Test("'{{' is refused in YAML too, and a document that decodes to something else is refused")
    func yamlAndRoundTrip() {
        #expect(throws: TraefikDocumentCheck.templates) { try TraefikDocumentCheck.noTemplates("a: '{{x}}'\n".utf8) }
        #expect(throws: PreviewConfigError.self) {
            try TraefikDocumentCheck.roundTrip(expected: TraefikDynamicConfiguration(http: nil, tls: nil)) {
                TraefikDynamicConfiguration(http: .init(routers: [:], services: [:]), tls: nil)
            }
        }
    }
}
