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

    /// One router and one service per live preview (the latest dev server wins a slot), and the TLS store when configured.
    public func configuration(for previews: [LivePreview]) -> TraefikDynamicConfiguration {
        var routers: [String: TraefikDynamicConfiguration.Router] = [:]
        var services: [String: TraefikDynamicConfiguration.Service] = [:]
        for preview in previews {
            let name = self.routing.routeName(slug: preview.projectSlug, token: preview.previewToken, port: preview.port)
            let host = self.routing.host(slug: preview.projectSlug, token: preview.previewToken, port: preview.port)
            routers[name] = .init(
                entryPoints: self.routing.entryPoints,
                rule: "Host(`\(host)`)",
                service: name,
                tls: self.routing.certResolver.map { .init(certResolver: $0) }
            )
            let url = self.routing.upstreamURL(service: preview.serviceUUID, port: preview.port)
            services[name] = .init(loadBalancer: .init(passHostHeader: true, servers: [.init(url: url)]))
        }
        return TraefikDynamicConfiguration(
            http: routers.isEmpty ? nil : .init(routers: routers, services: services),
            tls: self.defaultCertificate.map { .init(stores: ["default": .init(defaultCertificate: $0)]) }
        )
    }

    // MARK: Encoding

    /// The configuration as compact JSON with sorted keys (deterministic; JSON is also YAML for the file provider).
    public func json(_ configuration: TraefikDynamicConfiguration) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(configuration)
        try Self.check(data, expected: configuration) { try JSONDecoder().decode(TraefikDynamicConfiguration.self, from: data) }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The configuration as YAML with sorted keys (Yams; meant for people and the HTTP provider's YAML form).
    public func yaml(_ configuration: TraefikDynamicConfiguration) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        let text = try encoder.encode(configuration)
        try Self.check(text.utf8, expected: configuration) { try YAMLDecoder().decode(TraefikDynamicConfiguration.self, from: text) }
        return text
    }

    /// Refuses a document Traefik would reject: one with `{{` (Go templates), or one that does not decode back to `expected`.
    static func check(
        _ bytes: some Sequence<UInt8>, expected: TraefikDynamicConfiguration, decode: () throws -> TraefikDynamicConfiguration
    ) throws {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x7B, previous == 0x7B {
                throw PreviewConfigError.invalidDocument("the Traefik configuration contains '{{', which Traefik's Go templates reject")
            }
            previous = byte
        }
        guard try decode() == expected else {
            throw PreviewConfigError.invalidDocument("the Traefik configuration does not decode back to what was encoded")
        }
    }

    static func isSafePath(_ raw: String) -> Bool {
        !raw.isEmpty && raw.utf8.count <= 1024 && raw.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || [0x2E, 0x5F, 0x2D, 0x2F].contains($0)
        }
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
