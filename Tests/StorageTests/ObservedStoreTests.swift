import Foundation
import GatewayCore
import Storage
import Synchronization
import Testing

@Suite("ObservedStore")
struct ObservedStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("successful changes are observed; failed compare-and-sets and reads are not", arguments: StoreBackend.allCases)
    func observesChanges(backend: StoreBackend) async throws {
        try await backend.withStore { base throws in
            let seen = Mutex<[StoreChange]>([])
            let store = ObservedStore(base) { change in seen.withLock { $0.append(change) } }
            let project = uniqueProject()
            let reservation = ContainerReservation(
                projectID: project, workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "app"), image: "img"
            )
            _ = try await store.reserveContainer(reservation, at: self.now)
            _ = try await store.reserveContainer(reservation, at: self.now)
            _ = try await store.transitionContainer(project, from: .running, to: .suspended, at: self.now)
            let running = try #require(try await store.transitionContainer(project, from: .provisioning, to: .running, at: self.now))
            _ = try await store.container(project)
            try await store.touchContainer(project, at: self.now)
            let server = DevServerRecord(
                id: .random(), projectID: project, workspace: reservation.workspace, name: "web", command: "vite",
                port: try PreviewPort(validating: 3000), pid: nil, previewURL: "https://x", state: .starting,
                startedAt: self.now, stoppedAt: nil
            )
            try await store.insertDevServer(server)
            let changes = seen.withLock { $0 }
            #expect(changes.count == 3)
            #expect(changes.dropFirst().first == .container(running, from: .provisioning))
            #expect(changes.last == .devServer(server, from: nil))
        }
    }
}
