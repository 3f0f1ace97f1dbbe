import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import Storage
import Testing

@Suite("EventDelivery")
struct EventDeliveryTests {
    @Test("an event is POSTed as JSON with Standard Webhooks headers that verify, its body as stored, and then delivered")
    func signedDelivery() async throws {
        try await OutboxFixture.with { fixture in
            try await EventReceiverStandIn.withRunning { receiver in
                let event = try #require(try await fixture.enqueue(1).first)
                let deliverer = try fixture.deliverer(url: receiver.url)
                #expect(await deliverer.deliverPending() == 1)
                let received = try #require(await receiver.received().first)
                #expect(received.headers["content-type"] == "application/json")
                #expect(received.webhookID == event.id)
                #expect(received.body == Data(event.body.utf8))
                try StandardWebhookSigner(secret: fixture.secret).verify(
                    id: received.headers["webhook-id"], timestamp: received.headers["webhook-timestamp"],
                    signature: received.headers["webhook-signature"], body: received.body, now: Date()
                )
                let json = try #require(try JSONSerialization.jsonObject(with: received.body) as? [String: Any])
                #expect(Set(json.keys) == ["type", "timestamp", "data"])
                #expect(try await fixture.store.pendingEvents(createdAfter: .distantPast, limit: 10).isEmpty)
                #expect(await deliverer.deliverPending() == 0)
                #expect(await receiver.received().count == 1)
            }
        }
    }

    @Test("a receiver answering 500 gets the same id and identical body again later, and the event is delivered once")
    func retriesAfterErrors() async throws {
        try await OutboxFixture.with { fixture in
            try await EventReceiverStandIn.withRunning { receiver in
                await receiver.fail(times: 3)
                let event = try #require(try await fixture.enqueue(1).first)
                let deliverer = try fixture.deliverer(url: receiver.url)
                #expect(await deliverer.deliverPending() == 0)
                let failed = try #require(try await fixture.store.pendingEvents(createdAfter: .distantPast, limit: 1).first)
                #expect(failed.attempts == 1)
                #expect(failed.lastError == "HTTP 500")
                #expect(failed.nextAttemptAt > failed.createdAt)

                try await Self.running(deliverer) {
                    let accepted = try await receiver.waitForAccepted(1)
                    #expect(accepted.count == 1)
                    try await fixture.waitUntilNonePending()
                }
                let all = await receiver.received()
                #expect(all.map(\.status) == [500, 500, 500, 204])
                #expect(all.allSatisfy { $0.webhookID == event.id && $0.body == Data(event.body.utf8) })
            }
        }
    }

    @Test("an unreachable receiver is recorded as a failed attempt; the event reaches it later, unchanged")
    func unreachableReceiver() async throws {
        try await OutboxFixture.with { fixture in
            let event = try #require(try await fixture.enqueue(1).first)
            let closed = try #require(URL(string: "http://127.0.0.1:\(try FreePort.next())/events"))
            #expect(try await fixture.deliverer(url: closed).deliverPending() == 0)
            let failed = try #require(try await fixture.store.pendingEvents(createdAfter: .distantPast, limit: 1).first)
            #expect(failed.attempts == 1)
            #expect(failed.lastError?.hasPrefix("could not reach the receiver") == true)

            try await EventReceiverStandIn.withRunning { receiver in
                // A new deliverer (as after a restart, or on another replica) sends the stored event.
                try await Self.running(try fixture.deliverer(url: receiver.url)) {
                    let accepted = try await receiver.waitForAccepted(1)
                    #expect(accepted.first?.webhookID == event.id)
                    #expect(accepted.first?.body == Data(event.body.utf8))
                }
                #expect(await receiver.received().count == 1)
            }
        }
    }

    @Test("a receiver slower than the request timeout counts as a failed attempt")
    func slowReceiver() async throws {
        try await OutboxFixture.with { fixture in
            try await EventReceiverStandIn.withRunning { receiver in
                await receiver.answer(after: .seconds(4))
                _ = try await fixture.enqueue(1)
                #expect(try await fixture.deliverer(url: receiver.url).deliverPending() == 0)
                let failed = try #require(try await fixture.store.pendingEvents(createdAfter: .distantPast, limit: 1).first)
                #expect(failed.attempts == 1)
                #expect(failed.lastError == "no answer within 2.0 seconds")
            }
        }
    }

    @Test("events arrive in the order they happened, also when the oldest has to be retried")
    func keepsOrder() async throws {
        try await OutboxFixture.with { fixture in
            try await EventReceiverStandIn.withRunning { receiver in
                await receiver.fail(times: 2)
                let events = try await fixture.enqueue(6)
                try await Self.running(try fixture.deliverer(url: receiver.url)) {
                    // The claim is the order, not the speed: a loaded machine (the whole suite on two cores) may take
                    // longer than the usual 10 s for six events and two retries.
                    // Delivery is at least once: an answer that outlives the request timeout is sent again.
                    try await eventually("six distinct events accepted", within: .seconds(60)) {
                        Set(await receiver.accepted().map(\.webhookID)).count == 6
                    }
                }
                var seen = Set<String?>()
                let accepted = await receiver.accepted().filter { seen.insert($0.webhookID).inserted }
                #expect(accepted.map(\.webhookID) == events.map(\.id))
                #expect(await receiver.received().prefix(3).map(\.webhookID) == Array(repeating: events[0].id, count: 3))
            }
        }
    }

    @Test("a committed change wakes the deliverer at once, long before its next poll")
    func wakesOnRecord() async throws {
        try await OutboxFixture.with { fixture in
            try await EventReceiverStandIn.withRunning { receiver in
                let deliverer = try fixture.deliverer(url: receiver.url, pollInterval: .seconds(3600))
                try await Self.running(deliverer) {
                    try await deliverer.recorder.record(.container(OutboxFixture.record(), from: .suspended), in: fixture.store)
                    deliverer.recorder.committed(.container(OutboxFixture.record(), from: .suspended))
                    let accepted = try await receiver.waitForAccepted(1, within: .seconds(5))
                    #expect(accepted.count == 1)
                }
            }
        }
    }

    @Test("events older than the retry window are given up, not sent")
    func givesUp() async throws {
        try await OutboxFixture.with { fixture in
            try await EventReceiverStandIn.withRunning { receiver in
                let old = CoolifyTestClock(Date().addingTimeInterval(-4 * 86_400))
                _ = try await fixture.enqueue(1, clock: old)
                #expect(try await fixture.deliverer(url: receiver.url).deliverPending() == 0)
                #expect(await receiver.received().isEmpty)
            }
        }
    }

    @Test("serve's settings need an http(s) URL and a valid whsec_ secret")
    func settingsValidation() throws {
        let secret = StandardWebhookSigner.generateSecret()
        let settings = try OutboxSettings(url: "https://chat.example.com/hooks/gateway", secret: secret)
        #expect(settings.url.host == "chat.example.com")
        #expect(settings.requestTimeout == .seconds(10))
        #expect(throws: OutboxSettingsError.self) { try OutboxSettings(url: "https://chat.example.com/hooks", secret: nil) }
        #expect(throws: OutboxSettingsError.self) { try OutboxSettings(url: "https://chat.example.com/hooks", secret: "whsec_short") }
        #expect(throws: OutboxSettingsError.self) { try OutboxSettings(url: "ftp://chat.example.com/hooks", secret: secret) }
        #expect(throws: OutboxSettingsError.self) { try OutboxSettings(url: "chat.example.com", secret: secret) }
    }

    @Test("the retry delay doubles from the first delay, is capped, and varies by at most a fifth")
    func retryDelay() throws {
        let settings = try OutboxSettings(url: "http://127.0.0.1/events", secret: StandardWebhookSigner.generateSecret())
        for (attempts, ceiling) in [(1, 5), (2, 10), (3, 20), (8, 600), (500, 600)] {
            let delay = settings.retryDelay(afterAttempts: attempts)
            #expect(delay <= .seconds(ceiling) && delay >= .seconds(ceiling) * 0.8)
        }
    }

    /// Runs `deliverer` as a service while `body` runs, then stops it.
    static func running(_ deliverer: OutboxDeliverer, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await deliverer.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }
}
