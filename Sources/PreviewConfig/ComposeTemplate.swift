import Foundation
import GatewayCore
import Mustache
import Yams

/// Renders a project's compose document from the operator-editable `dev-compose.yml.mustache`.
///
/// Every value reaches the YAML as a double-quoted scalar produced by Yams, so none can break out of its
/// scalar; only validated identifiers and checked settings are rendered, and every result is parsed back
/// and checked before it is returned.
public struct ComposeTemplate: ComposeRenderer {
    /// The template's file name inside the templates directory.
    public static let fileName = "dev-compose.yml.mustache"

    let template: MustacheTemplate
    let source: String
    public let settings: ComposeSettings

    /// Parses a template and proves it renders a valid document.
    /// - Parameters:
    ///   - text: The template.
    ///   - source: Where it came from, for error messages.
    ///   - settings: Image and resource limits.
    /// - Throws: ``PreviewConfigError/template(_:)`` naming `source` and the problem.
    public init(text: String, source: String, settings: ComposeSettings) throws {
        do {
            self.template = try MustacheTemplate(string: text)
        } catch {
            throw PreviewConfigError.template("\(source): the template does not parse: \(error)")
        }
        self.source = source
        self.settings = settings
        let probe = ComposeInput(
            projectID: ProjectID(trusted: "probe"), projectSlug: ProjectSlug(trusted: "probe"), previewToken: .random()
        )
        _ = try self.renderCompose(probe)
    }

    /// Loads `dev-compose.yml.mustache` from `directory` and proves it renders a valid document.
    /// - Throws: ``PreviewConfigError/template(_:)`` when the file is missing, does not parse or renders an invalid document.
    public static func load(directory: String, settings: ComposeSettings) throws -> ComposeTemplate {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName).path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PreviewConfigError.template("\(path): cannot read the compose template (set VIBN_TEMPLATES_DIR): \(error.localizedDescription)")
        }
        return try ComposeTemplate(text: text, source: path, settings: settings)
    }

    /// The template shipped with the gateway (the same as the checkout's `templates/dev-compose.yml.mustache`).
    public static func builtIn(settings: ComposeSettings) throws -> ComposeTemplate {
        guard let url = Bundle.module.url(forResource: "dev-compose.yml", withExtension: "mustache") else {
            throw PreviewConfigError.template("the built-in compose template is missing from the PreviewConfig resources")
        }
        return try ComposeTemplate(text: try String(contentsOf: url, encoding: .utf8), source: url.path, settings: settings)
    }

    // MARK: Rendering

    public func renderCompose(_ input: ComposeInput) throws -> String {
        let values: [String: String] = [
            "image": self.settings.image,
            "projectSlug": input.projectSlug.rawValue,
            "projectID": input.projectID.rawValue,
            "previewToken": input.previewToken.rawValue,
            // Unique per project (slugs are not): for an operator's template that declares a network of its own.
            "networkName": "vibn-dev-net-\(input.projectID)",
            "cpuLimit": self.settings.cpuLimit,
            "memoryLimit": self.settings.memoryLimit,
        ]
        let context = try values.mapValues(Self.quoted)
        let document = self.template.render(context)
        try self.check(document, input: input)
        return document
    }

    /// `value` as one double-quoted YAML scalar, escaped by Yams (newlines, quotes and control characters included).
    static func quoted(_ value: String) throws -> String {
        let node = Node.scalar(.init(value, Tag(.str), .doubleQuoted))
        var text = try Yams.serialize(node: node, width: -1)
        if text.hasSuffix("...\n") { text.removeLast(4) }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("\""), text.hasSuffix("\""), !text.contains("\n") else {
            throw PreviewConfigError.invalidDocument("cannot quote a value as a YAML scalar")
        }
        return text
    }

    // MARK: Checking

    /// Parses the document back: a mapping whose `services.vibn-dev` has this image and the project's values.
    func check(_ document: String, input: ComposeInput) throws {
        func fail(_ problem: String) -> PreviewConfigError {
            .template("\(self.source): the rendered compose document is invalid: \(problem)")
        }
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: document)
        } catch {
            throw fail("it is not YAML (\(error))")
        }
        guard let root = parsed as? [String: Any], let services = root["services"] as? [String: Any] else {
            throw fail("it has no 'services' mapping")
        }
        guard let service = services["vibn-dev"] as? [String: Any] else { throw fail("it has no 'vibn-dev' service") }
        guard let image = service["image"] as? String, image == self.settings.image else {
            throw fail("service 'vibn-dev' has no image '\(self.settings.image)'")
        }
        let unknown = Set(root.keys).subtracting(Self.topLevelKeys)
        guard unknown.isEmpty else { throw fail("unknown top-level keys \(unknown.sorted())") }
        if let coolify = Self.sharedCoolifyNetwork(in: root) {
            throw fail("it joins Coolify's shared network '\(coolify)', where Coolify's database and every other tenant live")
        }
    }

    /// The name under which the document declares Coolify's shared `coolify` network (by key, by `name`, or any
    /// external network named so), if it does.
    static func sharedCoolifyNetwork(in root: [String: Any]) -> String? {
        guard let networks = root["networks"] as? [String: Any] else { return nil }
        for (key, value) in networks {
            let definition = value as? [String: Any]
            let name = definition?["name"] as? String ?? key
            if name == "coolify" { return key }
        }
        return nil
    }

    /// The top-level keys of the Compose Specification.
    static let topLevelKeys: Set<String> = ["version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"]
}
