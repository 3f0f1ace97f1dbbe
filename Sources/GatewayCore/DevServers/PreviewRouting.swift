import Foundation

/// How live previews are published through Traefik: host names, entry points, TLS and the upstream URL.
///
/// Operator settings, validated once when they are read, so everything derived from them is safe in YAML and URLs.
public struct PreviewRouting: Sendable, Equatable {
    /// The domain under which preview hosts live, e.g. `preview.vibnai.com`.
    public let domainBase: String
    /// The Traefik entry points of preview routers, e.g. `["https"]`.
    public let entryPoints: [String]
    /// The certificate resolver of preview routers; nil: routers carry no `tls` section (plain HTTP).
    public let certResolver: String?
    /// The upstream URL pattern with `{serviceUuid}` and `{port}` placeholders.
    public let upstreamPattern: String
    /// The gateway's origin as Traefik reaches it: when set, a catch-all router of the lowest priority sends every
    /// preview host that has no live route to the gateway, which wakes the project (`VIBN_PREVIEW_WAKE_URL`).
    public let wakeURL: String?
    /// ``upstreamPattern`` split once (a render at 10,000 projects × 10 slots builds 100,000 upstream URLs).
    let upstreamParts: [UpstreamPart]

    /// The default upstream: the service's dev container (``ServiceUUID/devContainerName``) on the preview port.
    public static let defaultUpstreamPattern = "http://\(ServiceUUID.devContainerPrefix){serviceUuid}:{port}"

    /// The settings of the seed: `preview.vibnai.com`, entry point `https`, resolver `letsencrypt-dns`.
    public static let defaults = try! PreviewRouting(
        domainBase: "preview.vibnai.com", entryPoints: ["https"], certResolver: "letsencrypt-dns",
        upstreamPattern: PreviewRouting.defaultUpstreamPattern
    )

    /// Validates the settings.
    /// - Throws: ``ValidationError`` naming the setting that is malformed.
    public init(domainBase: String, entryPoints: [String], certResolver: String?, upstreamPattern: String, wakeURL: String? = nil) throws {
        let labels = domainBase.split(separator: ".", omittingEmptySubsequences: false)
        guard domainBase.utf8.count <= 200, labels.count >= 1,
              labels.allSatisfy({ ASCII.isDNSLabel(String($0), maxLength: 63) })
        else {
            throw ValidationError(field: "VIBN_PREVIEW_DOMAIN_BASE", message: "must be a lower-case DNS name such as preview.example.com")
        }
        guard !entryPoints.isEmpty, entryPoints.allSatisfy(Self.isName) else {
            throw ValidationError(field: "VIBN_PREVIEW_ENTRYPOINTS", message: "must be a comma-separated list of names of A-Z, a-z, 0-9, '_' and '-'")
        }
        if let certResolver, !Self.isName(certResolver) {
            throw ValidationError(field: "VIBN_PREVIEW_CERT_RESOLVER", message: "must be a name of A-Z, a-z, 0-9, '_' and '-', or empty")
        }
        guard Self.isUpstreamPattern(upstreamPattern) else {
            throw ValidationError(
                field: "VIBN_PREVIEW_UPSTREAM",
                message: "must be an http:// or https:// URL of A-Z, a-z, 0-9, '.', '-', '_', ':' and '/' with optional {serviceUuid} and {port} placeholders"
            )
        }
        if let wakeURL, !Self.isOrigin(wakeURL) {
            throw ValidationError(
                field: "VIBN_PREVIEW_WAKE_URL", message: "must be an http:// or https:// origin such as http://vibn-gateway:8080, without a path"
            )
        }
        self.domainBase = domainBase
        self.entryPoints = entryPoints
        self.certResolver = certResolver
        self.upstreamPattern = upstreamPattern
        self.upstreamParts = Self.upstreamParts(of: upstreamPattern)
        self.wakeURL = wakeURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    // MARK: Derived values

    /// The host of a project's preview slot: one label under the domain base, `p{slot}-{slug…}-{token}.{domainBase}`
    /// (see ``PreviewHostLabel``).
    public func host(slug: ProjectSlug, token: PreviewToken, port: PreviewPort) -> String {
        "\(self.routeName(slug: slug, token: token, port: port)).\(self.domainBase)"
    }

    /// The router and service name of a preview slot (the host's first label).
    public func routeName(slug: ProjectSlug, token: PreviewToken, port: PreviewPort) -> String {
        PreviewHostLabel.label(slug: slug, token: token, port: port)
    }

    /// The slot and token of a preview host under the domain base (a `:port` suffix and letter case are ignored),
    /// or nil for any other host.
    public func preview(ofHost host: String) -> (slot: Int, token: PreviewToken)? {
        var host = Substring(host.lowercased())
        if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) { host = host[..<colon] }
        guard host.hasSuffix("." + self.domainBase) else { return nil }
        let label = host.dropLast(self.domainBase.count + 1)
        guard !label.contains(".") else { return nil }
        return PreviewHostLabel.parse(label)
    }

    /// The public URL of a preview slot: `https://…` when routers use TLS, else `http://…`.
    public func previewURL(slug: ProjectSlug, token: PreviewToken, port: PreviewPort) -> String {
        let scheme = self.certResolver == nil ? "http" : "https"
        return "\(scheme)://\(self.host(slug: slug, token: token, port: port))"
    }

    /// The URL Traefik forwards a preview slot to.
    ///
    /// One scan of the pattern (called once per route; `replacingOccurrences` twice measured ~20% of building
    /// 10,000 routes). A valid pattern has no `{` outside its placeholders, so this equals replacing each in turn.
    public func upstreamURL(service: ServiceUUID, port: PreviewPort) -> String {
        var url = ""
        url.reserveCapacity(64)
        for part in self.upstreamParts {
            switch part {
            case .literal(let text): url += text
            case .service: url += service.rawValue
            case .port: url += port.description
            }
        }
        return url
    }

    /// A piece of the upstream pattern.
    enum UpstreamPart: Sendable, Equatable {
        case literal(String)
        case service
        case port
    }

    /// `pattern` split at its `{serviceUuid}` and `{port}` placeholders (a lone `{` stays literal).
    static func upstreamParts(of pattern: String) -> [UpstreamPart] {
        var parts: [UpstreamPart] = []
        var literal = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            rest = rest[open...]
            if rest.hasPrefix("{serviceUuid}") || rest.hasPrefix("{port}") {
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(rest.hasPrefix("{port}") ? .port : .service)
                rest = rest.dropFirst(rest.hasPrefix("{port}") ? "{port}".count : "{serviceUuid}".count)
            } else {
                literal += "{"
                rest = rest.dropFirst()
            }
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// The rule of the wake router: every host of one label under the domain base (Go regular expression).
    public var wakeRule: String {
        "HostRegexp(`^[a-z0-9-]+\\.\(self.domainBase.replacingOccurrences(of: ".", with: "\\."))$`)"
    }

    // MARK: Validation

    /// An http(s) origin of a host name or address and an optional port (and nothing after a final `/`).
    static func isOrigin(_ raw: String) -> Bool {
        let trimmed = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        guard let schemeEnd = trimmed.range(of: "://"), ["http", "https"].contains(trimmed[..<schemeEnd.lowerBound]) else { return false }
        let authority = trimmed[schemeEnd.upperBound...]
        return !authority.isEmpty && authority.utf8.count <= 200
            && authority.utf8.allSatisfy { ASCII.isAlnum($0) || [0x2E, 0x2D, 0x3A].contains($0) }
    }

    /// A Traefik name: `[A-Za-z0-9_-]{1,64}`.
    static func isName(_ raw: String) -> Bool {
        (1...64).contains(raw.utf8.count) && raw.utf8.allSatisfy { ASCII.isAlnum($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// An http(s) URL of safe characters once the placeholders are taken out.
    static func isUpstreamPattern(_ raw: String) -> Bool {
        let bare = raw.replacingOccurrences(of: "{serviceUuid}", with: "x").replacingOccurrences(of: "{port}", with: "1")
        guard bare.hasPrefix("http://") || bare.hasPrefix("https://"), bare.utf8.count <= 200 else { return false }
        return bare.utf8.allSatisfy { ASCII.isAlnum($0) || [0x2E, 0x2D, 0x5F, 0x3A, 0x2F].contains($0) }
    }
}
