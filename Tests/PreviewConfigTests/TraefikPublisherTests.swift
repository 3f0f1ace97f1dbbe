import Foundation
import GatewayCore
import Logging
import PreviewConfig
import Storage
import Testing

@Suite("Traefik configuration publisher")
struct TraefikPublisherTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A running container with a starting dev server on port 3000.
    static func seedPreview(_ store: SQLiteStore, project: String = "proj_1", slug: String = "shop") async throws -> DevServerRecord {
        let projectID = ProjectID(trusted: project)
        let workspace = WorkspaceSlug(trusted: "acme")
        _ = try await store.reserveContainer(
            ContainerReservation(projectID: projectID, workspace: workspace, projectSlug: ProjectSlug(trusted: slug), image: "vibn-dev:latest"),
            at: Self.now
        )
        _ = try await store.recordServiceUUID(ServiceUUID(trusted: "svc-\(slug)"), for: projectID)
        _ = try await store.transitionContainer(projectID, from: .provisioning, to: .running, at: Self.now)
        let record = DevServerRecord(
            id: .random(), projectID: projectID, workspace: workspace, name: "web", command: "npm run dev",
            port: try PreviewPort(validating: 3000), pid: nil, previewURL: "", state: .running, startedAt: Self.now, stoppedAt: nil
        )
        try await store.insertDevServer(record)
        return record
    }

    static func publisher(_ store: SQLiteStore, directory: URL, poll: Duration = .seconds(3)) throws -> TraefikConfigPublisher {
        let routing = try PreviewRouting(domainBase: "preview.test", entryPoints: ["web"], certResolver: nil, upstreamPattern: "http://127.0.0.1:{port}")
        return TraefikConfigPublisher(
            store: store, builder: try TraefikConfigBuilder(routing: routing), directory: directory,
            pollInterval: poll, logger: Logger(label: "publisher-tests")
        )
    }

    @Test("writes one file atomically, staged outside the watched directory, and only when it changed")
    func writesOnChange() async throws {
        try await Fixtures.withStore { folder, store in
            let dynamic = folder.appendingPathComponent("dynamic")
            let publisher = try Self.publisher(store, directory: dynamic)
            #expect(try await publisher.refresh())
            let file = dynamic.appendingPathComponent(TraefikConfigPublisher.fileName)
            let empty = try String(contentsOf: file, encoding: .utf8)
            #expect(empty.hasSuffix("---\n{}\n"))
            #expect(try await publisher.refresh() == false)

            let server = try await Self.seedPreview(store)
            #expect(try await publisher.refresh())
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("p0-shop-"))
            #expect(!text.contains("{{"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dynamic.path) == [TraefikConfigPublisher.fileName])
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".dynamic.staging").path))
            #expect(try await publisher.currentYAML().yaml == text)
            #expect(try await publisher.currentDocument().json.contains(#""p0-shop-"#))

            _ = try await store.transitionDevServer(server.id, project: server.projectID, from: .running, to: .stopped, at: Self.now)
            #expect(try await publisher.refresh())
            #expect(try String(contentsOf: file, encoding: .utf8) == empty)
            // A change that cannot alter a route (activity) does not rewrite the file.
            _ = try await store.touchContainer(server.projectID, workspace: server.workspace, at: Self.now.addingTimeInterval(60))
            #expect(try await publisher.refresh() == false)
        }
    }

    @Test("an unchanged preview set keeps its document and version, yet a removed or edited file is written again")
    func unchangedPreviews() async throws {
        try await Fixtures.withStore { folder, store in
            let dynamic = folder.appendingPathComponent("dynamic")
            let file = dynamic.appendingPathComponent(TraefikConfigPublisher.fileName)
            let publisher = try Self.publisher(store, directory: dynamic)
            _ = try await Self.seedPreview(store)
            #expect(try await publisher.refresh())
            let document = try await publisher.currentDocument()
            let yaml = try await publisher.currentYAML().yaml

            try FileManager.default.removeItem(at: file)
            #expect(try await publisher.refresh())
            #expect(try String(contentsOf: file, encoding: .utf8) == yaml)
            try "{}\n".write(to: file, atomically: true, encoding: .utf8)
            #expect(try await publisher.refresh())
            #expect(try String(contentsOf: file, encoding: .utf8) == yaml)
            #expect(try await publisher.currentDocument() == document)

            _ = try await Self.seedPreview(store, project: "proj_2", slug: "blog")
            #expect(try await publisher.refresh())
            #expect(try await publisher.currentDocument().version != document.version)
        }
    }

    @Test("as a service it publishes after one interval, on a signal at once, and picks up store changes by itself")
    func service() async throws {
        try await Fixtures.withStore { folder, store in
            let dynamic = folder.appendingPathComponent("dynamic")
            let file = dynamic.appendingPathComponent(TraefikConfigPublisher.fileName)
            let publisher = try Self.publisher(store, directory: dynamic, poll: .milliseconds(200))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await publisher.run() }
                defer { group.cancelAll() }
                try await Self.poll { (try? String(contentsOf: file, encoding: .utf8))?.hasSuffix("---\n{}\n") == true }
                _ = try await Self.seedPreview(store)
                // A burst of signals collapses into writes of the newest state.
                for _ in 0..<50 { publisher.previewsChanged() }
                try await Self.poll { (try? String(contentsOf: file, encoding: .utf8))?.contains("p0-shop-") == true }
                // Another replica's change, with no signal: the next poll finds it.
                _ = try await Self.seedPreview(store, project: "proj_2", slug: "blog")
                try await Self.poll { (try? String(contentsOf: file, encoding: .utf8))?.contains("p0-blog-") == true }
            }
        }
    }

    /// Polls `condition` every 20 ms until it holds, failing after `timeout`.
    static func poll(within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
        throw CancellationError()
    }
}
