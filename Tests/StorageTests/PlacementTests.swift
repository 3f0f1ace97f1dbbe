import Foundation
import GatewayCore
import Storage
import Testing

/// Placing new containers on servers, and resuming within a server's capacity, on both stores (each test on a store
/// of its own: placement counts every row).
@Suite("Placement")
struct PlacementTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let hostA = ServerName(trusted: "host-a"), hostB = ServerName(trusted: "host-b")

    func reserve(_ store: any GatewayStore, on servers: [ServerSlot], quota: Int? = nil) async throws -> ContainerRecord {
        let reservation = ContainerReservation(
            projectID: uniqueProject(), workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "app"), image: "vibn-dev:latest",
            quota: quota, servers: servers
        )
        return try await store.reserveContainer(reservation, at: self.now).record
    }

    @Test("four projects spread 2/2 over two equal servers; the most free capacity wins, ties go to the first listed", arguments: StoreBackend.allCases)
    func spreads(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let servers = [ServerSlot(name: Self.hostA, capacity: 3), ServerSlot(name: Self.hostB, capacity: 3)]
            var placed: [ServerName] = []
            for _ in 0..<4 { placed.append(try await self.reserve(store, on: servers).server) }
            #expect(placed == [Self.hostA, Self.hostB, Self.hostA, Self.hostB])
            #expect(try await store.activeContainersPerServer() == [Self.hostA: 2, Self.hostB: 2])
            let bigger = [ServerSlot(name: Self.hostA, capacity: 3), ServerSlot(name: Self.hostB, capacity: 10)]
            #expect(try await self.reserve(store, on: bigger).server == Self.hostB)
        }
    }

    @Test("capacity 1 + 1: the third project is refused with capacity_exhausted and no row; a draining server gets nothing new", arguments: StoreBackend.allCases)
    func capacityAndDraining(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let servers = [ServerSlot(name: Self.hostA, capacity: 1), ServerSlot(name: Self.hostB, capacity: 1)]
            _ = try await self.reserve(store, on: servers)
            _ = try await self.reserve(store, on: servers)
            let error = await #expect(throws: GatewayError.self) { _ = try await self.reserve(store, on: servers) }
            #expect(error?.code == .capacityExhausted && error?.kind == .unavailable)
            #expect(error?.message.contains("host-a 1/1") == true, "\(String(describing: error))")
            #expect(try await store.containers(in: Set(ContainerState.allCases)).count == 2)

            let draining = [ServerSlot(name: Self.hostA, capacity: 10, draining: true), ServerSlot(name: Self.hostB, capacity: 10)]
            for _ in 0..<3 { #expect(try await self.reserve(store, on: draining).server == Self.hostB) }
        }
    }

    @Test("a resume is kept only within its server's capacity", arguments: StoreBackend.allCases)
    func resumeWithinCapacity(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let servers = [ServerSlot(name: Self.hostA, capacity: 1)]
            let first = try await self.reserve(store, on: servers)
            _ = try await store.transitionContainer(first.projectID, from: .provisioning, to: .suspended, at: self.now)
            let second = try await self.reserve(store, on: servers)
            let error = await #expect(throws: GatewayError.self) {
                _ = try await store.transitionContainer(first.projectID, from: .suspended, to: .running, at: self.now, withinQuota: 10, on: servers[0])
            }
            #expect(error?.code == .capacityExhausted)
            #expect(try await store.container(first.projectID)?.state == .suspended, "nothing changed")
            _ = try await store.transitionContainer(second.projectID, from: .provisioning, to: .suspended, at: self.now)
            let resumed = try await store.transitionContainer(first.projectID, from: .suspended, to: .running, at: self.now, withinQuota: 10, on: servers[0])
            #expect(resumed?.state == .running && resumed?.server == Self.hostA)
        }
    }

    @Test("thirty concurrent reservations over capacity 4 + 4 place exactly eight, four on each", arguments: StoreBackend.allCases)
    func concurrent(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let servers = [ServerSlot(name: Self.hostA, capacity: 4), ServerSlot(name: Self.hostB, capacity: 4)]
            let placed = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<30 { group.addTask { (try? await self.reserve(store, on: servers)) != nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(placed == 8)
            #expect(try await store.activeContainersPerServer() == [Self.hostA: 4, Self.hostB: 4])
        }
    }

    @Test("without a list every row is on default")
    func defaultServer() async throws {
        try await LifecycleFixture.withIsolatedStore(.sqlite) { store throws in
            let reservation = ContainerReservation(
                projectID: uniqueProject(), workspace: uniqueWorkspace(), projectSlug: ProjectSlug(trusted: "app"), image: "vibn-dev:latest"
            )
            #expect(try await store.reserveContainer(reservation, at: self.now).record.server == .default)
        }
    }
}
