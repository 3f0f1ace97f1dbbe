import Foundation
import GatewayCore
import Yams

/// Builds, encodes and checks Traefik's dynamic configuration for a set of live previews.
public struct TraefikConfigBuilder: Sendable {
    public let routing: PreviewRouting
    /// The wildcard certificate emitted as the default store's certificate, if configured.
    public let defaultCertificate: TraefikDynamicConfiguration.Certificate?

    /// - Throws: ``ValidationError`` when a certificate path holds characters other than A-Z, a-z, 0-9, `.`, `_`, `-`, `/`.
    public init(routing: PreviewRouting, defaultCertificate: TraefikDynamicConfiguration.Certificate? = nil) throws {
        if let defaultCertificate {
            for (field, path) in [("VIBN_PREVIEW_DEFAULT_CERT_FILE", defaultCertificate.certFile), ("VIBN_PREVIEW_DEFAULT_KEY_FILE", defaultCertificate.keyFile)]
            where !Self.isSafePath(path) {
                throw ValidationError(field: field, message: "must be a file path of A-Z, a-z, 0-9, '.', '_', '-' and '/'")
            }
        }
        self.routing = routing
        self.defaultCertificate = defaultCertificate
    }

    // MARK: Building

    /// The name of the wake router and its service (no preview label can take it: those start with `p{slot}-`).
    public static let wakeRouteName = "vibn-preview-wake"

    /// The encodings of the document: JSON for the HTTP provider, YAML for the file and `Accept: application/yaml`.
    public enum Format: Sendable {
        case json, yaml
    }

    /// The comment that opens the YAML document.
    static let yamlHeader = "# Written by vibn-gateway: the Traefik routes of its live previews. Edits are overwritten.\n"

    /// What the document says, as a value (the reference the rendered bytes are checked against): one router and
    /// one service per live preview, the wake router when ``PreviewRouting/wakeURL`` is set, and the TLS store when
    /// configured.
    public func configuration(for set: PreviewSet) -> TraefikDynamicConfiguration {
        var routers: [String: TraefikDynamicConfiguration.Router] = [:]
        var services: [String: TraefikDynamicConfiguration.Service] = [:]
        self.forEachRoute(of: set) { route in
            routers[route.name] = .init(
                entryPoints: self.routing.entryPoints, rule: self.rule(of: route), service: route.name,
                tls: self.routing.certResolver.map { .init(certResolver: $0) }, priority: route.priority
            )
            services[route.name] = .init(loadBalancer: .init(passHostHeader: true, servers: [.init(url: self.url(of: route))]))
        }
        return TraefikDynamicConfiguration(
            http: routers.isEmpty ? nil : .init(routers: routers, services: services),
            tls: self.defaultCertificate.map { .init(stores: ["default": .init(defaultCertificate: $0)]) }
        )
    }

    /// ``configuration(for:)-(PreviewSet)`` of a list of live previews.
    public func configuration(for previews: [LivePreview]) -> TraefikDynamicConfiguration {
        self.configuration(for: PreviewSet(previews))
    }

    // MARK: Rendering

    /// Documents up to this size are also decoded back and compared with ``configuration(for:)-(PreviewSet)``.
    static let decodeBackLimit = 64 * 1024

    /// The document of `set`, keys sorted by UTF-8 bytes at every level (so two replicas write the same bytes).
    ///
    /// Written by a purpose-built emitter for this fixed shape: every key and value comes from a validated
    /// identifier (`ProjectSlug`, `PreviewToken`, `PreviewPort`, `ServiceUUID`) or a setting validated in
    /// `PreviewRouting` and ``init(routing:defaultCertificate:)``, none of which admits a quote, a backslash, `{` or
    /// a control character. Every document is still scanned once for `{{` (Traefik runs files through Go templates),
    /// and one up to ``decodeBackLimit`` bytes is decoded back (JSONDecoder or Yams) and compared.
    public func render(_ set: PreviewSet, as format: Format) throws -> [UInt8] {
        let capacity = 1024 + set.projects.count * 64 + set.routeCount * (format == .yaml ? 600 : 480)
        let bytes: [UInt8]
        switch format {
        case .json:
            var sink = JSONDocumentSink(capacity: capacity)
            self.emit(set, into: &sink)
            bytes = sink.bytes
        case .yaml:
            var sink = YAMLDocumentSink(capacity: capacity, header: Self.yamlHeader)
            self.emit(set, into: &sink)
            bytes = sink.bytes
        }
        try TraefikDocumentCheck.noTemplates(bytes)
        if bytes.count <= Self.decodeBackLimit {
            try TraefikDocumentCheck.roundTrip(expected: self.configuration(for: set)) {
                switch format {
                case .json: try JSONDecoder().decode(TraefikDynamicConfiguration.self, from: Data(bytes))
                case .yaml: try YAMLDecoder().decode(TraefikDynamicConfiguration.self, from: String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        return bytes
    }

    /// ``render(_:as:)`` of a list of live previews, as text.
    public func document(for previews: [LivePreview], as format: Format) throws -> String {
        String(decoding: try self.render(PreviewSet(previews), as: format), as: UTF8.self)
    }

    /// One route: its router and service name, and the preview behind it (nil: the wake route). Its rule and
    /// upstream are derived where they are written (``rule(of:)``, ``url(of:)``): each only once per render.
    struct Route {
        var name: String
        var preview: (service: ServiceUUID, port: PreviewPort)?

        /// Priority 1 for the wake route: every preview host with a live route of its own (default priority, its
        /// rule's length) wins.
        var priority: Int? { self.preview == nil ? 1 : nil }
    }

    func rule(of route: Route) -> String {
        route.preview == nil ? self.routing.wakeRule : "Host(`\(route.name).\(self.routing.domainBase)`)"
    }

    func url(of route: Route) -> String {
        guard let preview = route.preview else { return self.routing.wakeURL ?? "" }
        return self.routing.upstreamURL(service: preview.service, port: preview.port)
    }

    /// Calls `body` with every route in the order of their names' UTF-8 bytes: preview labels are `p{slot}-{tail}`
    /// (one slot digit), so slot by slot, projects in the order of their tails; then the wake route (`v` > `p`).
    func forEachRoute(of set: PreviewSet, _ body: (Route) -> Void) {
        let projects = set.projects.values.sorted { $0.labelTail < $1.labelTail }
        for slot in 0..<PreviewPort.count {
            for project in projects {
                guard let port = project.ports.first(where: { $0.slot == slot }) else { continue }
                body(Route(name: "p\(slot)-\(project.labelTail)", preview: (project.service, port)))
            }
        }
        if self.routing.wakeURL != nil {
            body(Route(name: Self.wakeRouteName, preview: nil))
        }
    }

    /// Writes the document into `sink`: `http` (routers, then services) when there is a route, then `tls`.
    func emit(_ set: PreviewSet, into sink: inout some TraefikDocumentSink) {
        let hasRoutes = !set.projects.isEmpty || self.routing.wakeURL != nil
        if hasRoutes {
            sink.openObject("http")
            sink.openObject("routers")
            self.forEachRoute(of: set) { route in
                sink.openObject(route.name)
                sink.openList("entryPoints")
                for entryPoint in self.routing.entryPoints { sink.string(nil, entryPoint) }
                sink.close()
                if let priority = route.priority { sink.literal("priority", String(priority)) }
                sink.string("rule", self.rule(of: route))
                sink.string("service", route.name)
                if let certResolver = self.routing.certResolver {
                    sink.openObject("tls")
                    sink.string("certResolver", certResolver)
                    sink.close()
                }
                sink.close()
            }
            sink.close()
            sink.openObject("services")
            self.forEachRoute(of: set) { route in
                sink.openObject(route.name)
                sink.openObject("loadBalancer")
                sink.literal("passHostHeader", "true")
                sink.openList("servers")
                sink.openObject(nil)
                sink.string("url", self.url(of: route))
                sink.close()
                sink.close()
                sink.close()
                sink.close()
            }
            sink.close()
            sink.close()
        }
        if let certificate = self.defaultCertificate {
            for key in ["tls", "stores", "default", "defaultCertificate"] { sink.openObject(key) }
            sink.string("certFile", certificate.certFile)
            sink.string("keyFile", certificate.keyFile)
            for _ in 0..<4 { sink.close() }
        }
        sink.finish()
    }

    static func isSafePath(_ raw: String) -> Bool {
        !raw.isEmpty && raw.utf8.count <= 1024 && raw.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || [0x2E, 0x5F, 0x2D, 0x2F].contains($0)
        }
    }
}

// MARK: - Checks

/// The checks a Traefik document passes before it is served or written: a single file Traefik cannot parse
/// freezes its whole watched directory.
enum TraefikDocumentCheck {
    /// Refuses `{{` anywhere: Traefik's file provider runs every file through Go templates.
    static func noTemplates(_ bytes: some Sequence<UInt8>) throws {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x7B, previous == 0x7B { throw Self.templates }
            previous = byte
        }
    }

    /// Refuses a document whose decoded form differs from what was encoded.
    static func roundTrip(expected: TraefikDynamicConfiguration, decode: () throws -> TraefikDynamicConfiguration) throws {
        guard try decode() == expected else {
            throw PreviewConfigError.invalidDocument("the Traefik configuration does not decode back to what was encoded")
        }
    }

    static let templates = PreviewConfigError.invalidDocument("the Traefik configuration contains '{{', which Traefik's Go templates reject")

}

/// Something the preview configuration code refuses to produce or use.
public enum PreviewConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A rendered document failed its check.
    case invalidDocument(String)
    /// The compose template is missing or does not parse.
    case template(String)

    public var description: String {
        switch self {
        case .invalidDocument(let message): message
        case .template(let message): message
        }
    }
}
