import Hummingbird

/// The request context of every route: Hummingbird's core storage with the gateway's JSON body limit.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// JSON bodies are limited to 1 MiB (openapi.yaml); the files endpoint reads raw bodies with its own limit.
    public var maxUploadSize: Int { BodyLimits.json }
}

/// The request body limits of openapi.yaml.
public enum BodyLimits {
    /// Any JSON body: 1 MiB.
    public static let json = 1 << 20
    /// The files endpoint: 16 MiB.
    public static let files = 16 << 20

    /// The limit that applies to a request path.
    static func limit(forPath path: String) -> Int {
        path.hasSuffix("/files") ? self.files : self.json
    }
}
