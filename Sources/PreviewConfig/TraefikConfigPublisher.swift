import Foundation
import GatewayCore
import Logging
import ServiceLifecycle

/// Publishes the preview routes: keeps the live previews as a compact ``PreviewSet``, writes them as YAML to
/// Traefik's watched directory when they change, and renders the HTTP provider's documents on request.
///
/// As a `Service` it asks the store every `pollInterval` (and at once when ``previewsChanged()`` is signalled) which
/// projects' previews changed, whoever changed them (``DevServerStore/previewChanges(since:)``), and re-reads only
/// those: with nothing happening a poll is one cheap query. The file is rewritten when the rendered bytes differ
/// from what it was last given, or when it was removed or edited by hand.
public actor TraefikConfigPublisher: PreviewRoutesSource, Service {
    let store: any DevServerStore
    let builder: TraefikConfigBuilder
    let writer: AtomicFileWriter?
    let pollInterval: Duration
    let startGrace: Duration
    let logger: Logger
    nonisolated let doorbell = Doorbell()
    private var previews = PreviewSet()
    /// Where the next poll continues; nil: the next refresh reads every live preview.
    private var cursor: Int64?
    /// Bumped whenever ``previews`` changes.
    private var generation = 0
    /// What the file was last given: the generation written, and the file's stamp after the write.
    private var written: (generation: Int, stamp: AtomicFileWriter.Stamp?)?
    /// The HTTP provider's documents, rendered on request, per format.
    private var documents: [TraefikConfigBuilder.Format: (generation: Int, text: String, version: String)] = [:]
    /// Whether the last refresh failed (logged once per streak, not on every poll).
    private var failing = false

    /// The file name the gateway owns inside Traefik's dynamic directory.
    public static let fileName = "vibn-previews.yml"

    /// - Parameters:
    ///   - store: Where live previews and their changes are read.
    ///   - builder: Builds and renders the configuration.
    ///   - directory: Traefik's watched directory, or nil to serve the document over HTTP only.
    ///   - pollInterval: How often the store is asked for changes without a signal.
    ///   - startGrace: How long after the start of ``run()`` a failed refresh is not logged (the store is migrating).
    ///   - logger: Where writes and failed refreshes are logged.
    public init(
        store: any DevServerStore,
        builder: TraefikConfigBuilder,
        directory: URL?,
        pollInterval: Duration = .milliseconds(250),
        startGrace: Duration = .seconds(10),
        logger: Logger
    ) {
        self.store = store
        self.builder = builder
        self.writer = directory.map { AtomicFileWriter(directory: $0, fileName: Self.fileName) }
        self.pollInterval = pollInterval
        self.startGrace = startGrace
        self.logger = logger
    }

    // MARK: PreviewRoutesSource

    public nonisolated func previewsChanged() {
        self.doorbell.ring()
    }

    public func currentDocument() async throws -> PreviewRoutesDocument {
        let (json, version) = try await self.document(.json)
        return PreviewRoutesDocument(json: json, version: version)
    }

    public func currentYAML() async throws -> (yaml: String, version: String) {
        try await self.document(.yaml)
    }

    /// The document in `format` for the current set (read from the store the first time).
    private func document(_ format: TraefikConfigBuilder.Format) async throws -> (String, String) {
        if self.cursor == nil { try await self.update() }
        if let cached = self.documents[format], cached.generation == self.generation { return (cached.text, cached.version) }
        let bytes = try self.builder.render(self.previews, as: format)
        let text = String(decoding: bytes, as: UTF8.self)
        let version = String(FNV1a.hash(bytes), radix: 16)
        self.documents[format] = (self.generation, text, version)
        return (text, version)
    }

    // MARK: Refreshing

    /// Brings the set up to date with the store and writes the file when needed.
    /// - Returns: Whether the file was written.
    @discardableResult
    public func refresh() async throws -> Bool {
        try await self.update()
        return try self.writeIfNeeded()
    }

    /// Re-reads the live previews of the projects that changed since the last poll (every project the first time).
    private func update() async throws {
        guard let cursor = self.cursor else {
            let changes = try await self.store.previewChanges(since: nil)  // before the read: nothing falls between
            self.previews = PreviewSet(try await self.store.livePreviews())
            self.generation += 1
            self.cursor = changes.cursor
            return
        }
        let changes = try await self.store.previewChanges(since: cursor)
        if !changes.projects.isEmpty {
            let previews = try await self.store.livePreviews(of: changes.projects)
            if self.previews.replace(changes.projects, with: previews) { self.generation += 1 }
        }
        self.cursor = changes.cursor
    }

    /// Writes the YAML file when the set changed since the last write (a changed set always renders differently),
    /// or when the file is no longer what was written (removed, replaced, edited).
    private func writeIfNeeded() throws -> Bool {
        guard let writer = self.writer else { return false }
        if let written = self.written, written.generation == self.generation, let stamp = writer.stamp(), written.stamp == stamp {
            return false
        }
        let bytes = try self.builder.render(self.previews, as: .yaml)
        try writer.write(bytes)
        self.written = (self.generation, writer.stamp())
        self.logger.info("wrote Traefik dynamic configuration", metadata: [
            "traefik.file": "\(writer.target.path)", "traefik.bytes": "\(bytes.count)", "traefik.routes": "\(self.previews.routeCount)",
        ])
        return true
    }

    /// Refreshes on every signal and every `pollInterval` until graceful shutdown.
    public func run() async {
        let start = ContinuousClock.now
        await runPeriodically(every: self.pollInterval, doorbell: self.doorbell) { _ in
            await self.refreshLoggingFailures(quietUntil: start + self.startGrace)
        }
    }

    /// Refreshes; a failure is logged once per streak, and not at all before `quietUntil` (`serve` migrates the
    /// store as it starts: reading it meanwhile fails for no reason worth a log line).
    private func refreshLoggingFailures(quietUntil: ContinuousClock.Instant) async {
        do {
            try await self.refresh()
            if self.failing { self.logger.info("publishing the Traefik configuration works again") }
            self.failing = false
        } catch {
            if ContinuousClock.now < quietUntil {
                self.logger.debug("could not publish the Traefik configuration yet", metadata: ["error": "\(error)"])
                return
            }
            if !self.failing { self.logger.error("could not publish the Traefik configuration", metadata: ["error": "\(error)"]) }
            self.failing = true
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
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
