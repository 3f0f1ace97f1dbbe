import Foundation
import GatewayCore
import Storage
import Testing

/// The status page's reads, run unchanged against SQLite and PostgreSQL, each on a store of its own.
@Suite("StatusStore")
struct StatusStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("dev servers: live ones first, each group newest first, at most the limit", arguments: StoreBackend.allCases)
    func devServers(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let fixture = DevServerStoreTests()
            let container = try await fixture.container(in: store, state: .running)
            let starting = try fixture.devServer(container, port: 3000, state: .starting, offset: -20)
            let running = try fixture.devServer(container, port: 3001, state: .running, offset: -10)
            let stopped = try fixture.devServer(container, port: 3002, state: .starting, offset: 0)
            for server in [starting, running, stopped] { try await store.insertDevServer(server) }
            _ = try await store.transitionDevServer(stopped.id, project: container.projectID, from: .starting, to: .stopped, at: self.now)
            #expect(try await store.recentDevServers(limit: 10).map(\.id) == [running.id, starting.id, stopped.id])
            #expect(try await store.recentDevServers(limit: 1).map(\.id) == [running.id])
        }
    }

    @Test("the counts /metrics and the page read equal what the rows say; the page's first rows are the most recently active", arguments: StoreBackend.allCases)
    func counts(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let fixture = DevServerStoreTests()
            let running = try await fixture.container(in: store, state: .running)
            let suspended = try await fixture.container(in: store, state: .suspended)
            _ = try await fixture.container(in: store, state: .running)
            for (container, port, state) in [(running, 3000, DevServerState.running), (running, 3001, .starting), (suspended, 3000, .running)] {
                try await store.insertDevServer(try fixture.devServer(container, port: port, state: state))
            }
            let rows = try await store.containers(in: Set(ContainerState.allCases))
            #expect(try await store.containerCounts() == Dictionary(rows.map { ($0.state, 1) }, uniquingKeysWith: +))
            #expect(try await store.containerCounts()[.running] == 2)
            #expect(try await store.livePreviewCount() == store.livePreviews().count)
            #expect(try await store.livePreviewCount() == 1, "a starting server and a suspended container's are not live")
            #expect(try await store.livePreviews(of: nil, limit: 1).count == 1)
            #expect(try await store.livePreviews(of: nil, limit: 0).isEmpty)
            // The page's first rows: most recently active first, at most the limit.
            let other = try #require(rows.first { $0.state == .running && $0.projectID != running.projectID })
            _ = try await store.touchContainer(other.projectID, workspace: other.workspace, at: self.now.addingTimeInterval(60))
            #expect(try await store.recentContainers(limit: 10)[.running]?.map(\.projectID) == [other.projectID, running.projectID])
            let first = try await store.recentContainers(limit: 1)
            #expect(first[.running]?.map(\.projectID) == [other.projectID] && first[.suspended]?.map(\.projectID) == [suspended.projectID])
        }
    }

    @Test("delivery errors: undelivered events whose attempt failed, newest first", arguments: StoreBackend.allCases)
    func eventFailures(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let events = (0..<4).map { OutboundEvent(type: .autosavePushed, body: #"{"n":\#($0)}"#, createdAt: self.now + TimeInterval($0)) }
            for event in events { try await store.enqueueEvent(event) }
            try await store.recordFailedAttempt(events[0].id, error: "HTTP 503", nextAttemptAt: self.now + 60)
            try await store.recordFailedAttempt(events[1].id, error: "HTTP 401: invalid signature", nextAttemptAt: self.now + 60)
            try await store.recordFailedAttempt(events[2].id, error: "timed out", nextAttemptAt: self.now + 60)
            try await store.markEventDelivered(events[2].id, at: self.now + 70)
            let failures = try await store.recentEventFailures(limit: 10)
            #expect(failures.map(\.id) == [events[1].id, events[0].id])
            #expect(failures.first?.lastError == "HTTP 401: invalid signature")
            #expect(failures.first?.attempts == 1)
        }
    }

    @Test("webhooks: newest first, each with when it was applied", arguments: StoreBackend.allCases)
    func webhooks(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let older = WebhookDelivery(digest: "d-older", event: .serverUnreachable(serverUUID: "srv1"), receivedAt: self.now)
            let newer = WebhookDelivery(digest: "d-newer", event: .containerStopped(container: "vibn-dev-x", serverUUID: nil), receivedAt: self.now + 5)
            #expect(try await store.claimDelivery(older, ttl: .seconds(60)))
            #expect(try await store.claimDelivery(newer, ttl: .seconds(60)))
            try await store.finishDelivery(digest: older.digest, at: self.now + 1)
            #expect(try await store.recentWebhookDeliveries(limit: 10) == [
                AppliedWebhookDelivery(delivery: newer, appliedAt: nil), AppliedWebhookDelivery(delivery: older, appliedAt: self.now + 1),
            ])
            #expect(try await store.recentWebhookDeliveries(limit: 1).count == 1)
        }
    }

    @Test("turns per minute: started turns since the cutoff, by minute", arguments: StoreBackend.allCases)
    func turnsPerMinute(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store throws in
            let minute = Date(timeIntervalSince1970: (self.now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            func turn(_ id: String, _ phase: ChatTurnPhase, at offset: TimeInterval) -> ChatTurn {
                ChatTurn(
                    workspace: WorkspaceSlug(trusted: "acme"), project: uniqueProject(), slug: ProjectSlug(trusted: "shop"),
                    turn: TurnID(trusted: id), phase: phase, receivedAt: minute + offset
                )
            }
            for chatTurn in [
                turn("t1", .started, at: 1), turn("t2", .started, at: 59), turn("t1", .ended, at: 30),
                turn("t3", .started, at: 61), turn("t0", .started, at: -3600),
            ] {
                #expect(try await store.claimTurn(chatTurn))
            }
            #expect(try await store.turnsStartedPerMinute(since: minute) == [minute: 2, minute + 60: 1])
        }
    }
}
