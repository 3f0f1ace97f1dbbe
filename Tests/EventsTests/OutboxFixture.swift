import Events
import Foundation
import GatewayCore
import Logging
import Storage
import Testing

/// What the outbox tests share: a migrated in-memory SQLite store, a secret, and settings with short intervals.
struct OutboxFixture {
    static let logger = Logger(label: "events-tests")

    let store: SQLiteStore
    let secret = StandardWebhookSigner.generateSecret()

    /// Runs `body` with a fixture on a fresh store, closed afterwards.
    static func with(_ body: (OutboxFixture) async throws -> Void) async throws {
        let store = try await SQLiteStore.open(path: ":memory:", logger: Self.logger)
        try await store.migrate()
        let result: Result<Void, any Error>
        do { result = .success(try await body(OutboxFixture(store: store))) } catch { result = .failure(error) }
        try await store.close()
        try result.get()
    }

    /// Settings that retry within milliseconds and poll every 50 ms.
    func settings(url: URL, pollInterval: Duration = .milliseconds(50)) throws -> OutboxSettings {
        OutboxSettings(
            url: url, signer: try StandardWebhookSigner(secret: self.secret), requestTimeout: .seconds(2),
            pollInterval: pollInterval, firstRetryDelay: .milliseconds(20), maxRetryDelay: .milliseconds(100)
        )
    }

    /// A deliverer of this fixture's store to `url`.
    func deliverer(url: URL, pollInterval: Duration = .milliseconds(50)) throws -> OutboxDeliverer {
        OutboxDeliverer(store: self.store, settings: try self.settings(url: url, pollInterval: pollInterval), logger: Self.logger)
    }

    /// Waits, polling every 20 ms, until no event is pending (the deliverer records a 2xx just after it arrives).
    func waitUntilNonePending(within limit: Duration = .seconds(5)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while try await !self.store.pendingEvents(createdAfter: .distantPast, limit: 1).isEmpty {
            guard clock.now < deadline else {
                Issue.record("events still pending after \(limit)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Enqueues `count` container events and returns them, oldest first.
    func enqueue(_ count: Int, clock: any WallClock = SystemClock()) async throws -> [OutboundEvent] {
        let recorder = EventRecorder(store: self.store, clock: clock, logger: Self.logger, wake: {})
        var events: [OutboundEvent] = []
        for _ in 0..<count {
            let event = try #require(try await recorder.event(for: .container(Self.record(), from: .provisioning)))
            try await self.store.enqueueEvent(event)
            events.append(event)
        }
        return events
    }

    /// A running container row of a fresh project.
    static func record(state: ContainerState = .running) -> ContainerRecord {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return ContainerRecord(
            projectID: ProjectID(trusted: "p_\(suffix)"), workspace: WorkspaceSlug(trusted: "ws-\(suffix)"),
            projectSlug: ProjectSlug(trusted: "app"), previewToken: nil, serviceUUID: ServiceUUID(trusted: "svc\(suffix)"),
            image: "img", state: state, lastActiveAt: Date(), suspendedAt: nil, createdAt: Date()
        )
    }
}
