import Foundation
import GatewayCore
@testable import PreviewConfig
import Testing
import Yams

@Suite("Compose template")
struct ComposeTemplateTests {
    func template(_ settings: ComposeSettings = .defaults) throws -> ComposeTemplate {
        try ComposeTemplate.load(directory: Fixtures.templatesDirectory, settings: settings)
    }

    @Test("templates/dev-compose.yml.mustache renders the golden document")
    func golden() throws {
        let rendered = try self.template().renderCompose(Fixtures.input)
        #expect(rendered == (try Fixtures.golden("dev-compose.golden.yml")))
    }

    @Test("the rendered document has the seed's service, volumes, environment and limits, and no network")
    func structure() throws {
        let settings = try ComposeSettings(image: "registry.local/vibn-dev:2", cpuLimit: "1.5", memoryLimit: "512m")
        let parsed = try #require(try Yams.load(yaml: try self.template(settings).renderCompose(Fixtures.input)) as? [String: Any])
        let service = try #require((parsed["services"] as? [String: Any])?["vibn-dev"] as? [String: Any])
        #expect(service["image"] as? String == "registry.local/vibn-dev:2")
        #expect(service["pull_policy"] as? String == "never")
        #expect(service["restart"] as? String == "unless-stopped")
        #expect(service["working_dir"] as? String == "/workspace")
        #expect(service["volumes"] as? [String] == ["workspace:/workspace", "cache:/home/vibn/.cache"])
        #expect(service["environment"] as? [String: String] == [
            "VIBN_PROJECT_SLUG": "shop", "VIBN_PROJECT_ID": "proj_42",
            "VIBN_PREVIEW_TOKEN": Fixtures.token.rawValue, "VIBN_DEV_CONTAINER": "1",
        ])
        // Coolify's per-service network (named after the service uuid, joined by its proxy) is the only one.
        #expect(service["networks"] == nil)
        #expect(service["labels"] == nil)
        let limits = ((service["deploy"] as? [String: Any])?["resources"] as? [String: Any])?["limits"] as? [String: String]
        #expect(limits == ["cpus": "1.5", "memory": "512m"])
        #expect(parsed["networks"] == nil)
    }

    @Test("hostile text is quoted into one scalar that reads back unchanged", arguments: [
        "a\nb: c", "x\" y: 1", "`rm -rf`", "{{ .Env }}", "}", "$HOME ${X}", "a'b", "\u{0430}pp", "#comment", "- item", "\u{0}\u{7}",
    ])
    func quoting(hostile: String) throws {
        let quoted = try ComposeTemplate.quoted(hostile)
        #expect(!quoted.contains("\n"))
        let parsed = try #require(try Yams.load(yaml: "key: \(quoted)\nnext: 1\n") as? [String: Any])
        #expect(parsed["key"] as? String == hostile)
        #expect(parsed["next"] as? Int == 1)
    }

    @Test("injection attempts never become identifiers, so they never reach a document", arguments: [
        "shop\nx", "shop\"", "shop`", "{{shop}}", "shop}", "$shop", "sh\u{043E}p", String(repeating: "a", count: 41), "Shop", "-shop",
    ])
    func injections(hostile: String) {
        #expect(throws: ValidationError.self) { try ProjectSlug(validating: hostile) }
        #expect(throws: ValidationError.self) { try WorkspaceSlug(validating: hostile) }
    }

    @Test("a broken template is refused with a message naming the file and the problem", arguments: [
        ("services: [", "is not YAML"),
        ("{{% CONTENT_TYPE: TEXT}}services:\n  other:\n    image: {{image}}\n", "no 'vibn-dev' service"),
        ("{{% CONTENT_TYPE: TEXT}}services:\n  vibn-dev:\n    build: .\n", "has no image"),
        ("{{#image}}services:", "does not parse"),
        ("{{% CONTENT_TYPE: TEXT}}services:\n  vibn-dev:\n    image: {{image}}\nlabels: x\n", "unknown top-level keys"),
    ])
    func broken(text: String, problem: String) {
        #expect {
            try ComposeTemplate(text: text, source: "/etc/vibn/dev-compose.yml.mustache", settings: .defaults)
        } throws: { error in
            let message = "\(error)"
            return message.contains("/etc/vibn/dev-compose.yml.mustache") && message.contains(problem)
        }
    }

    @Test("a missing template file is refused naming the path")
    func missing() {
        #expect {
            try ComposeTemplate.load(directory: "/nonexistent-templates", settings: .defaults)
        } throws: { "\($0)".contains("/nonexistent-templates/dev-compose.yml.mustache") }
    }

    @Test("malformed image and limit settings are refused naming the variable", arguments: [
        ("vibn dev", "1", "1g", "VIBN_DEV_IMAGE"), ("i\"x", "1", "1g", "VIBN_DEV_IMAGE"),
        ("i", "one", "1g", "VIBN_DEV_CPU_LIMIT"), ("i", "1.", "1g", "VIBN_DEV_CPU_LIMIT"),
        ("i", "1", "1 g", "VIBN_DEV_MEM_LIMIT"), ("i", "1", "g", "VIBN_DEV_MEM_LIMIT"),
    ])
    func badSettings(image: String, cpu: String, memory: String, field: String) {
        #expect { try ComposeSettings(image: image, cpuLimit: cpu, memoryLimit: memory) } throws: {
            ($0 as? ValidationError)?.field == field
        }
    }
}

@Suite("Compose template shipped with the gateway")
struct BuiltInComposeTemplateTests {
    @Test("the built-in template is the one in templates/ and renders the golden document")
    func builtIn() throws {
        let rendered = try ComposeTemplate.builtIn(settings: .defaults).renderCompose(Fixtures.input)
        #expect(rendered == (try Fixtures.golden("dev-compose.golden.yml")))
    }
}
