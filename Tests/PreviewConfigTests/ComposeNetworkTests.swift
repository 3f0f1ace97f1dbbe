import Foundation
import GatewayCore
@testable import PreviewConfig
import Testing
import Yams

/// Tenants share no network: the dev container never joins Coolify's `coolify` network (its database, Redis and
/// every other tenant), and a network of an operator's template is unique per project, equal slugs included.
@Suite("Compose documents: network isolation")
struct ComposeNetworkTests {
    /// The Docker name of every network a rendered document's services join (a declared network's `name`, else its
    /// key; a key not declared is taken as is).
    static func networks(_ document: String) throws -> Set<String> {
        let root = try #require(try Yams.load(yaml: document) as? [String: Any])
        let declared = root["networks"] as? [String: Any] ?? [:]
        var names = Set<String>()
        for case let service as [String: Any] in (root["services"] as? [String: Any] ?? [:]).values {
            let keys = service["networks"] as? [String] ?? (service["networks"] as? [String: Any]).map { Array($0.keys) } ?? []
            for key in keys { names.insert((declared[key] as? [String: Any])?["name"] as? String ?? key) }
        }
        return names
    }

    static func input(_ project: String, slug: String) -> ComposeInput {
        ComposeInput(projectID: ProjectID(trusted: project), projectSlug: ProjectSlug(trusted: slug), previewToken: .random())
    }

    @Test("the built-in template: two projects with equal slugs share no network, and neither joins `coolify`")
    func builtIn() throws {
        let template = try ComposeTemplate.load(directory: Fixtures.templatesDirectory, settings: .defaults)
        let first = try Self.networks(template.renderCompose(Self.input("proj_a", slug: "shop")))
        let second = try Self.networks(template.renderCompose(Self.input("proj_b", slug: "shop")))
        // No network of its own: only Coolify's per-service one, named after the (distinct) service uuids.
        #expect(first.isEmpty && second.isEmpty)
    }

    @Test("an operator's network named from networkName is unique per project, equal slugs included")
    func ownNetwork() throws {
        let text = """
            {{% CONTENT_TYPE: TEXT}}
            services:
              vibn-dev:
                image: {{image}}
                networks: [own]
            networks:
              own:
                name: {{networkName}}
            """
        let template = try ComposeTemplate(text: text, source: "own.mustache", settings: .defaults)
        let first = try Self.networks(template.renderCompose(Self.input("proj_a", slug: "shop")))
        let second = try Self.networks(template.renderCompose(Self.input("proj_b", slug: "shop")))
        #expect(first == ["vibn-dev-net-proj_a"] && second == ["vibn-dev-net-proj_b"])
    }

    @Test("a template that joins Coolify's shared network is refused at load, however it names it", arguments: [
        "networks: [coolify]\nnetworks:\n  coolify:\n    external: true",
        "networks: [shared]\nnetworks:\n  shared:\n    name: coolify\n    external: true",
    ])
    func sharedNetworkRefused(networks: String) throws {
        let indented = networks.split(separator: "\n", maxSplits: 1).map(String.init)
        let text = "{{% CONTENT_TYPE: TEXT}}\nservices:\n  vibn-dev:\n    image: {{image}}\n    \(indented[0])\n\(indented[1])\n"
        // Refused when the template is loaded (a sample is rendered and checked then), so `serve` does not start.
        let error = #expect(throws: PreviewConfigError.self) {
            try ComposeTemplate(text: text, source: "shared.mustache", settings: .defaults)
        }
        #expect(error.map { "\($0)" }?.contains("shared network") == true)
    }
}
