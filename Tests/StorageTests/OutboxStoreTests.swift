import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import Storage
import Testing

@Suite("OutboxStore")
struct OutboxStoreTests {
    /// Whole seconds, so times survive both backends exactly.
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ type: OutboundEventType = .containerStateChanged, at offset: TimeInterval = 0) -> OutboundEvent {
        OutboundEvent(type: type, body: #"{"type":"\#(type.rawValue)","data":{"n":\#(offset)}}"#, createdAt: self.now + offset)
    }

    @Test("enqueued events come back pending, oldest first, with their body unchanged", arguments: StoreBackend.allCases)
    func pendingOldestFirst(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store in
            let events = [self.event(at: 2), self.event(.devServerReady, at: 0), self.event(.autosaveFailed, at: 1)]
            for event in events { try await store.enqueueEvent(event) }
            let pending = try await store.pendingEvents(createdAfter: self.now - 60, limit: 10)
            #expect(pending == [events[1], events[2], events[0]])
            #expect(try await store.pendingEvents(createdAfter: self.now - 60, limit: 2).map(\.id) == [events[1].id, events[2].id])
            // Events created at or before the cutoff are given up.
            #expect(try await store.pendingEvents(createdAfter: self.now + 0.5, limit: 10).map(\.id) == [events[2].id, events[0].id])
        }
    }

    @Test("given-up events are put back in the queue in their order, attempts reset; pending and delivered ones are left alone",
          arguments: StoreBackend.allCases)
    func requeueGivenUp(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store in
            let oldest = self.event(at: -7200), older = self.event(.autosaveFailed, at: -3600)
            let delivered = self.event(.devServerReady, at: -5000), pending = self.event(at: -10)
            for event in [older, pending, delivered, oldest] { try await store.enqueueEvent(event) }
            try await store.recordFailedAttempt(oldest.id, error: "HTTP 500", nextAttemptAt: self.now - 7000)
            try await store.markEventDelivered(delivered.id, at: self.now - 4900)
            let cutoff = self.now - 1800
            #expect(try await store.pendingEvents(createdAfter: cutoff, limit: 10).map(\.id) == [pending.id])

            #expect(try await store.requeueGivenUpEvents(id: "evt_unknown", createdBefore: cutoff, at: self.now).isEmpty)
            #expect(try await store.requeueGivenUpEvents(id: pending.id, createdBefore: cutoff, at: self.now).isEmpty, "not given up")
            #expect(try await store.requeueGivenUpEvents(id: nil, createdBefore: cutoff, at: self.now) == [oldest.id, older.id])
            let queued = try await store.pendingEvents(createdAfter: cutoff, limit: 10)
            #expect(queued.map(\.id) == [pending.id, oldest.id, older.id])
            #expect(queued.dropFirst().allSatisfy { $0.attempts == 0 && $0.nextAttemptAt == self.now && $0.createdAt > self.now })
            #expect(try await store.requeueGivenUpEvents(id: nil, createdBefore: cutoff, at: self.now).isEmpty, "nothing left to put back")
        }
    }

    @Test("a failed attempt counts, moves the next attempt and keeps the error; a delivered event is no longer pending",
          arguments: StoreBackend.allCases)
    func failureAndDelivery(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store in
            let event = self.event()
            try await store.enqueueEvent(event)
            try await store.recordFailedAttempt(event.id, error: "HTTP 500", nextAttemptAt: self.now + 5)
            try await store.recordFailedAttempt(event.id, error: "HTTP 502: bad gateway", nextAttemptAt: self.now + 15)
            let failed = try #require(try await store.pendingEvents(createdAfter: self.now - 60, limit: 10).first)
            #expect(failed.id == event.id && failed.body == event.body)
            #expect(failed.attempts == 2)
            #expect(failed.nextAttemptAt == self.now + 15)
            #expect(failed.lastError == "HTTP 502: bad gateway")
            #expect(failed.deliveredAt == nil)

            try await store.markEventDelivered(event.id, at: self.now + 20)
            #expect(try await store.pendingEvents(createdAfter: self.now - 60, limit: 10).isEmpty)
            // A late failure report for a delivered event changes nothing.
            try await store.recordFailedAttempt(event.id, error: "late", nextAttemptAt: self.now + 30)
            #expect(try await store.pendingEvents(createdAfter: self.now - 60, limit: 10).isEmpty)
        }
    }

    @Test("purging deletes events delivered, or created undelivered, before the cutoff", arguments: StoreBackend.allCases)
    func purge(backend: StoreBackend) async throws {
        try await LifecycleFixture.withIsolatedStore(backend) { store in
            let oldDelivered = self.event(at: 0), oldUndelivered = self.event(at: 1)
            let recentDelivered = self.event(at: 2), recent = self.event(at: 100)
            for event in [oldDelivered, oldUndelivered, recentDelivered, recent] { try await store.enqueueEvent(event) }
            try await store.markEventDelivered(oldDelivered.id, at: self.now + 10)
            try await store.markEventDelivered(recentDelivered.id, at: self.now + 60)
            #expect(try await store.purgeEvents(before: self.now + 50) == 2)
            #expect(try await store.pendingEvents(createdAfter: .distantPast, limit: 10).map(\.id) == [recent.id])
            #expect(try await store.purgeEvents(before: self.now + 50) == 0)
        }
    }

    @Test("two deliverers on PostgreSQL (two replicas) send each event exactly once: the outbox lock admits one")
    func oneDelivererAtATime() async throws {
        try await PostgresTestServer.withFreshDatabase { database in
            try await PostgresTestServer.withStore(database: database) { first in
                try await PostgresTestServer.withStore(database: database) { second in
                    try await first.migrate()
                    let start = Date().addingTimeInterval(-60)
                    let events = (0..<30).map { OutboundEvent(type: .autosavePushed, body: "{\"n\":\($0)}", createdAt: start + TimeInterval($0)) }
                    for event in events { try await first.enqueueEvent(event) }
                    try await EventReceiverStandIn.withRunning { receiver in
                        // A slow receiver keeps the first pass holding the lock while the second one tries.
                        await receiver.answer(after: .milliseconds(10))
                        let settings = OutboxSettings(
                            url: receiver.url, signer: try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret())
                        )
                        let deliverers = [first, second].map { OutboxDeliverer(store: $0, settings: settings, logger: StoreBackend.logger) }
                        async let a = deliverers[0].deliverPending()
                        async let b = deliverers[1].deliverPending()
                        let passes = await [a, b]
                        let accepted = try await receiver.waitForAccepted(30)
                        #expect(passes.contains(nil))
                        #expect(passes.compactMap { $0 }.reduce(0, +) == 30)
                        #expect(accepted.map(\.webhookID) == events.map(\.id))
                        #expect(await receiver.received().count == 30)
                    }
                }
            }
        }
    }

    @Test("event ids are 'msg_' and 32 hex digits, fresh each time")
    func ids() {
        let ids = (0..<100).map { _ in OutboundEvent.newID() }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { $0.hasPrefix("msg_") && $0.count == 36 && $0.dropFirst(4).allSatisfy(\.isHexDigit) })
    }
}
