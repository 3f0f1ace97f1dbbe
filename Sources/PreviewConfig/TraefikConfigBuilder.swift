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

    /// One router and one service per live preview (the latest dev server wins a slot), the wake router when
    /// ``PreviewRouting/wakeURL`` is set, and the TLS store when configured.
    public func configuration(for previews: [LivePreview]) -> TraefikDynamicConfiguration {
        var routers: [String: TraefikDynamicConfiguration.Router] = [:]
        var services: [String: TraefikDynamicConfiguration.Service] = [:]
        routers.reserveCapacity(previews.count)
        services.reserveCapacity(previews.count)
        let tls = self.routing.certResolver.map { TraefikDynamicConfiguration.RouterTLS(certResolver: $0) }
        for preview in previews {
            let name = self.routing.routeName(slug: preview.projectSlug, token: preview.previewToken, port: preview.port)
            let host = self.routing.host(slug: preview.projectSlug, token: preview.previewToken, port: preview.port)
            routers[name] = .init(entryPoints: self.routing.entryPoints, rule: "Host(`\(host)`)", service: name, tls: tls)
            let url = self.routing.upstreamURL(service: preview.serviceUUID, port: preview.port)
            services[name] = .init(loadBalancer: .init(passHostHeader: true, servers: [.init(url: url)]))
        }
        if let wakeURL = self.routing.wakeURL {
            // Priority 1: every preview host with a live route of its own (default priority, its rule's length) wins.
            routers[Self.wakeRouteName] = .init(
                entryPoints: self.routing.entryPoints, rule: self.routing.wakeRule, service: Self.wakeRouteName, tls: tls, priority: 1
            )
            services[Self.wakeRouteName] = .init(loadBalancer: .init(passHostHeader: true, servers: [.init(url: wakeURL)]))
        }
        return TraefikDynamicConfiguration(
            http: routers.isEmpty ? nil : .init(routers: routers, services: services),
            tls: self.defaultCertificate.map { .init(stores: ["default": .init(defaultCertificate: $0)]) }
        )
    }

    // MARK: Encoding

    /// Documents up to this size are also decoded back and compared; larger ones get ``TraefikDocumentCheck/structure(of:)``.
    static let decodeBackLimit = 64 * 1024

    /// The configuration as compact JSON with keys sorted by UTF-8 bytes (deterministic; JSON is also YAML for the file provider).
    ///
    /// Why a large document is not decoded back (that cost a third of rendering 10,000 routes): every string in it
    /// comes from a validated identifier (`ProjectSlug`, `PreviewToken`, `PreviewPort`, `ServiceUUID`) or from
    /// settings validated in `PreviewRouting` and ``init(routing:defaultCertificate:)``, none of which admits `{`, a
    /// quote, a backslash or a control character; the encoder escapes strings and encodes these types' fields only
    /// as strings, booleans, arrays and objects, so the bytes are valid JSON by construction. What remains is checked
    /// on every document in one linear pass: no `{{` (Go templates), and balanced, well-formed structure (a truncated
    /// or corrupted buffer fails). Small documents, including every test fixture, are still decoded back.
    /// ``TraefikJSONEncoder`` writes the bytes JSONEncoder would with `[.sortedKeys, .withoutEscapingSlashes]`.
    public func json(_ configuration: TraefikDynamicConfiguration) throws -> String {
        var bytes = try TraefikJSONEncoder().encode(configuration)
        try TraefikDocumentCheck.structure(of: bytes)
        if bytes.count <= Self.decodeBackLimit {
            try TraefikDocumentCheck.roundTrip(expected: configuration) { try JSONDecoder().decode(TraefikDynamicConfiguration.self, from: Data(bytes)) }
        }
        bytes.append(UInt8(ascii: "\n"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The configuration as YAML with sorted keys (Yams; meant for people and the HTTP provider's YAML form), decoded back to check it.
    public func yaml(_ configuration: TraefikDynamicConfiguration) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        let text = try encoder.encode(configuration)
        try TraefikDocumentCheck.noTemplates(text.utf8)
        try TraefikDocumentCheck.roundTrip(expected: configuration) { try YAMLDecoder().decode(TraefikDynamicConfiguration.self, from: text) }
        return text
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

    /// One linear pass over compact JSON: no `{{`; every string closed and free of raw control bytes; brackets
    /// balanced and matched; exactly one top-level object with nothing after it.
    static func structure(of data: some ContiguousBytes) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard bytes.first == 0x7B else { throw Self.malformed("it does not start with '{'") }
            var closers: [UInt8] = []
            var inString = false, escaped = false, closed = false
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 0x7B, previous == 0x7B { throw Self.templates }
                previous = byte
                if closed { throw Self.malformed("bytes follow the top-level object") }
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == 0x5C {
                        escaped = true
                    } else if byte == 0x22 {
                        inString = false
                    } else if byte < 0x20 {
                        throw Self.malformed("a string holds a raw control character")
                    }
                    continue
                }
                switch byte {
                case 0x22: inString = true
                case 0x7B: closers.append(0x7D)
                case 0x5B: closers.append(0x5D)
                case 0x7D, 0x5D:
                    guard closers.popLast() == byte else { throw Self.malformed("a bracket is unbalanced") }
                    closed = closers.isEmpty
                default: break
                }
            }
            guard closed, !inString else { throw Self.malformed("it is truncated") }
        }
    }

    /// Refuses a document whose decoded form differs from what was encoded.
    static func roundTrip(expected: TraefikDynamicConfiguration, decode: () throws -> TraefikDynamicConfiguration) throws {
        guard try decode() == expected else {
            throw PreviewConfigError.invalidDocument("the Traefik configuration does not decode back to what was encoded")
        }
    }

    static let templates = PreviewConfigError.invalidDocument("the Traefik configuration contains '{{', which Traefik's Go templates reject")

    static func malformed(_ reason: String) -> PreviewConfigError {
        .invalidDocument("the Traefik configuration is not well-formed JSON: \(reason)")
    }
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
