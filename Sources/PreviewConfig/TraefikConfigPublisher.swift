import Foundation
import GatewayCore
import Logging
import ServiceLifecycle

/// Publishes the preview routes: renders them from the store, keeps the current document for the HTTP provider
/// and writes it to Traefik's watched directory, only when it changed.
///
/// As a `Service` it rewrites at once when ``previewsChanged()`` is signalled (a burst of signals while a write
/// runs collapses into one more write) and every `refreshInterval`, so changes made by another replica or
/// directly in the store appear within seconds.
public actor TraefikConfigPublisher: PreviewRoutesSource, Service {
    let store: any DevServerStore
    let builder: TraefikConfigBuilder
    let writer: AtomicFileWriter?
    let refreshInterval: Duration
    let logger: Logger
    nonisolated let doorbell = Doorbell()
    private var previews: [LivePreview]?
    private var document: PreviewRoutesDocument?
    private var configuration: TraefikDynamicConfiguration?
    private var yamlCache: (yaml: String, version: String)?

    /// The file name the gateway owns inside Traefik's dynamic directory.
    public static let fileName = "vibn-previews.yml"

    /// - Parameters:
    ///   - store: Where live previews are read.
    ///   - builder: Builds and encodes the configuration.
    ///   - directory: Traefik's watched directory, or nil to serve the document over HTTP only.
    ///   - refreshInterval: How often the store is re-read without a signal.
    ///   - logger: Where failed refreshes are logged.
    public init(
        store: any DevServerStore,
        builder: TraefikConfigBuilder,
        directory: URL?,
        refreshInterval: Duration = .seconds(3),
        logger: Logger
    ) {
        self.store = store
        self.builder = builder
        self.writer = directory.map { AtomicFileWriter(directory: $0, fileName: Self.fileName) }
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    // MARK: PreviewRoutesSource

    public nonisolated func previewsChanged() {
        self.doorbell.ring()
    }

    public func currentDocument() async throws -> PreviewRoutesDocument {
        if let document = self.document { return document }
        try await self.refresh()
        return try self.document.unwrap()
    }

    public func currentYAML() async throws -> (yaml: String, version: String) {
        let document = try await self.currentDocument()
        if let cached = self.yamlCache, cached.version == document.version { return cached }
        let yaml = try self.builder.yaml(try self.configuration.unwrap())
        self.yamlCache = (yaml, document.version)
        return (yaml, document.version)
    }

    // MARK: Refreshing

    /// Renders the routes from the store, keeps the document, and writes the file when its content changed.
    /// - Returns: Whether the file was written.
    @discardableResult
    public func refresh() async throws -> Bool {
        let previews = try await self.store.livePreviews()
        // The inputs are the cache key: an unchanged live-preview set is neither rebuilt nor re-encoded (at 10,000
        // routes that is most of a refresh); the file is still compared below, so a removed or edited file comes back.
        if previews != self.previews || self.document == nil {
            let configuration = self.builder.configuration(for: previews)
            let json = try self.builder.json(configuration)
            self.previews = previews
            self.configuration = configuration
            self.document = PreviewRoutesDocument(json: json, version: FNV1a.hex(json))
        }
        guard let writer = self.writer, let document = self.document else { return false }
        let written = try writer.write(document.json)
        if written {
            self.logger.info("wrote Traefik dynamic configuration", metadata: [
                "traefik.file": "\(writer.target.path)", "traefik.bytes": "\(document.json.utf8.count)",
            ])
        }
        return written
    }

    /// Refreshes on every signal and every `refreshInterval` (the first time one interval after start: `serve`
    /// migrates the store meanwhile) until graceful shutdown.
    public func run() async {
        await runPeriodically(every: self.refreshInterval, doorbell: self.doorbell) { _ in
            do {
                try await self.refresh()
            } catch {
                self.logger.error("could not publish the Traefik configuration", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension Optional {
    /// The wrapped value, or an error saying the document was never rendered.
    func unwrap() throws -> Wrapped {
        guard let self else { throw PreviewConfigError.invalidDocument("the Traefik configuration has not been rendered") }
        return self
    }
}

/// The 64-bit FNV-1a hash, as a version tag of a document (not a security measure).
enum FNV1a {
    static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
