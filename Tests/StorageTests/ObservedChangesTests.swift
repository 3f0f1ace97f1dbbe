import Foundation
import GatewayCore
import Storage
import Synchronization
import Testing

@Suite("ObservedChanges")
struct ObservedChangesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("successful changes are observed; failed compare-and-sets and reads are not", arguments: StoreBackend.allCases)
    func observesChanges(backend: StoreBackend) async throws {
        try await backend.withStore { base throws in
            let seen = Mutex<[StoreChange]>([])
            let changes = ObservedChanges(base) { change in seen.withLock { $0.append(change) } }
            let project = uniqueProject()
            let reservation = ContainerReservation(
                projectID: project, workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "app"), image: "img"
            )
            _ = try await changes.reserveContainer(reservation, at: self.now)
            _ = try await changes.reserveContainer(reservation, at: self.now)
            _ = try await changes.transitionContainer(project, from: .running, to: .suspended, at: self.now)
            let running = try #require(try await changes.transitionContainer(project, from: .provisioning, to: .running, at: self.now))
            _ = try await base.container(project)
            try await base.touchContainer(project, workspace: reservation.workspace, at: self.now)
            let server = DevServerRecord(
                id: .random(), projectID: project, workspace: reservation.workspace, name: "web", command: "vite",
                port: try PreviewPort(validating: 3000), pid: nil, previewURL: "https://x", state: .starting,
                startedAt: self.now, stoppedAt: nil
            )
            try await changes.insertDevServer(server)
            let observed = seen.withLock { $0 }
            #expect(observed.count == 3)
            #expect(observed.dropFirst().first == .container(running, from: .provisioning))
            #expect(observed.last == .devServer(server, from: nil))
        }
    }
}
