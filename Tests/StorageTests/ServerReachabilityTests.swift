import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Coolify's server events: `server_reachable` is sent only when a setting that defaults to off is on, and the same
/// body legitimately repeats, so neither a missing `server_reachable` nor a repeated body may stop the reconciler.
@Suite("Server reachability")
struct ServerReachabilityTests {
    @Test("server_unreachable pauses the reconciler until server_reachable, or at most its pause limit", arguments: StoreBackend.allCases)
    func pauseEnds(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let reachability = ServerReachability(pauseLimit: .milliseconds(500))
            let reconciler = Reconciler(lifecycle: fixture.lifecycle, reachability: reachability)
            await reachability.set(false)
            #expect(await reconciler.reconcileOnce(includeRunning: true).skipped)
            await reachability.set(true)
            #expect(await reconciler.reconcileOnce(includeRunning: true).skipped == false)
            // No server_reachable comes (Coolify's default): the pause ends by itself.
            await reachability.set(false)
            #expect(await reconciler.reconcileOnce(includeRunning: true).skipped)
            try await Task.sleep(for: .milliseconds(700))
            #expect(await reconciler.reconcileOnce(includeRunning: true).skipped == false)
        }
    }

    @Test("a repeated server event a minute later is applied again; a repeated container event is still a replay", arguments: StoreBackend.allCases)
    func repeatedBodies(backend: StoreBackend) async throws {
        try await LifecycleFixture.with(backend) { fixture throws in
            let webhooks = try #require(fixture.gateway.webhooks)
            let start = fixture.clock.now
            let server = WebhookDelivery(
                digest: "server-" + UUID().uuidString, event: .serverUnreachable(serverUUID: fixture.standIn.serverUUID), receivedAt: start
            )
            let container = WebhookDelivery(
                digest: "container-" + UUID().uuidString, event: .containerStopped(container: "vibn-dev-nothing", serverUUID: nil),
                receivedAt: start
            )
            // Accepted and applied (an applied delivery's digest lapses after its window).
            await webhooks.process(server)
            await webhooks.process(container)
            var later = (server, container)
            later.0.receivedAt = start.addingTimeInterval(61)
            later.1.receivedAt = start.addingTimeInterval(61)
            #expect(try await webhooks.accept(later.0), "the same server_unreachable body, 61 s later")
            #expect(try await webhooks.accept(later.1) == false, "the same container_stopped body within 24 h")
        }
    }
}
