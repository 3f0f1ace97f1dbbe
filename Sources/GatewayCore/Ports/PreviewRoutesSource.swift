/// Traefik's dynamic configuration for every live preview, in the encodings the HTTP provider serves.
public struct PreviewRoutesDocument: Sendable, Equatable {
    /// The document as JSON (the file provider reads the same routes as YAML).
    public var json: String
    /// A strong validator of `json`, without quotes.
    public var version: String

    public init(json: String, version: String) {
        self.json = json
        self.version = version
    }
}

/// The port through which the gateway publishes preview routes (implemented by `PreviewConfig`).
public protocol PreviewRoutesSource: Sendable {
    /// Live previews changed through this gateway: publish the routes soon (bursts are coalesced into one write).
    func previewsChanged()

    /// The current document, rendered from the store when none is cached.
    func currentDocument() async throws -> PreviewRoutesDocument

    /// The current document as YAML.
    func currentYAML() async throws -> (yaml: String, version: String)
}
