import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The ships' table on both stores: one active ship per project, compare-and-set moves, the deployment lookup.
@Suite("Ship store")
struct ShipStoreTests {
    static func ship(_ project: ProjectID, at now: Date = Date()) -> ShipRecord {
        ShipRecord(
            id: .random(), projectID: project, workspace: WorkspaceSlug(trusted: "acme"), state: .pushing, branch: nil, message: "m",
            applicationUUID: ApplicationUUID(trusted: "app1"), createdAt: now, updatedAt: now
        )
    }

    @Test("of 10 concurrent starts of one project exactly one inserts, the others get it; once ended a new one may start", arguments: StoreBackend.allCases)
    func oneActiveShip(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let project = uniqueProject()
            let starts = try await withThrowingTaskGroup(of: (ShipRecord, Bool).self) { group in
                for _ in 0..<10 { group.addTask { let started = try await store.startShip(Self.ship(project)); return (started.record, started.inserted) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(starts.filter(\.1).count == 1)
            let winner = try #require(starts.first(where: \.1)?.0)
            #expect(Set(starts.map(\.0.id)) == [winner.id], "every caller sees the one ship")
            #expect(try await store.activeShips().filter { $0.projectID == project }.map(\.id) == [winner.id])

            let progress = ShipProgress(branch: "main", commit: String(repeating: "b", count: 40), committed: true, deploymentUUID: "dep-\(project)")
            let deploying = try await store.transitionShip(winner.id, from: .pushing, to: .deploying, progress: progress, at: Date())
            #expect(deploying?.state == .deploying && deploying?.branch == "main" && deploying?.committed == true)
            #expect(try await store.transitionShip(winner.id, from: .pushing, to: .failed, progress: ShipProgress(reason: "late"), at: Date()) == nil)
            #expect(try await store.ship(deploymentUUID: "dep-\(project)")?.id == winner.id)
            let ended = try await store.transitionShip(winner.id, from: .deploying, to: .succeeded, progress: ShipProgress(deploymentURL: "https://x"), at: Date())
            #expect(ended?.state == .succeeded && ended?.deploymentURL == "https://x" && ended?.commit == progress.commit, "progress is kept")
            #expect(try await store.ship(winner.id, project: project) == ended)
            let next = try await store.startShip(Self.ship(project))
            #expect(next.inserted && next.record.id != winner.id)
            #expect(try await store.ship(winner.id, project: uniqueProject()) == nil, "another project's id finds nothing")
        }
    }
}
