import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import PreviewConfig
import Storage
import Testing

/// The real Traefik, its file provider watching the directory the gateway writes.
@Suite("Traefik file provider, end to end")
struct TraefikFileProviderTests {
    @Test("a live preview of a 40-character slug routes to its dev server (200, its body) by its one-label host; once stopped, 404; the file passes yamllint")
    func routes() async throws {
        try await Fixtures.withStore { folder, store in
            let dynamic = folder.appendingPathComponent("dynamic")
            try FileManager.default.createDirectory(at: dynamic, withIntermediateDirectories: true)
            try await TraefikUpstreamStandIn.with(answering: "hello from the dev server") { upstream in
                let routing = try PreviewRouting(
                    domainBase: "preview.test", entryPoints: ["web"], certResolver: nil, upstreamPattern: "http://127.0.0.1:\(upstream)"
                )
                let publisher = TraefikConfigPublisher(
                    store: store, builder: try TraefikConfigBuilder(routing: routing), directory: dynamic, logger: Logger(label: "e2e")
                )
                try await publisher.refresh()
                try await TraefikPeer.with(provider: .file(directory: dynamic)) { traefik in
                    let slug = String(repeating: "a", count: 19) + "-" + String(repeating: "b", count: 20)
                    let server = try await TraefikPublisherTests.seedPreview(store, slug: slug)
                    let record = try #require(try await store.container(server.projectID))
                    let host = routing.host(slug: try #require(record.projectSlug), token: try #require(record.previewToken), port: server.port)
                    try await traefik.waitFor(host: host, status: 404)
                    #expect(host.split(separator: ".").first?.count == 63)

                    #expect(try await publisher.refresh())
                    try await traefik.waitFor(host: host, status: 200, body: "hello from the dev server")
                    #expect(try await traefik.request(host: "p1-" + host.dropFirst(3)).status == 404)
                    try Self.lint(dynamic.appendingPathComponent(TraefikConfigPublisher.fileName))

                    _ = try await store.transitionDevServer(server.id, project: server.projectID, from: .running, to: .stopped, at: .now)
                    #expect(try await publisher.refresh())
                    try await traefik.waitFor(host: host, status: 404)
                    try Self.lint(dynamic.appendingPathComponent(TraefikConfigPublisher.fileName))
                }
            }
        }
    }

    /// Runs yamllint (`VIBN_YAMLLINT_BIN`) in strict mode with its default rules, but for line length: a rule line
    /// holds a whole host (a 63-character label and the domain).
    static func lint(_ file: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.require("VIBN_YAMLLINT_BIN", for: "yamllint (scripts/lib/install.sh)"))
        process.arguments = ["--strict", "-d", "{extends: default, rules: {line-length: disable}}", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "yamllint: \(text)")
    }
}
