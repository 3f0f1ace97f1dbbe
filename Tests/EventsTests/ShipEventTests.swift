import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

extension EventRecorderTests {
    @Test("a ship that ends is ship.succeeded or ship.failed with its branch, commit, deployment and reason; a ship that moves on is no event")
    func ships() async throws {
        try await OutboxFixture.with { fixture in
            let recorder = self.recorder(fixture)
            var ship = ShipRecord(
                id: .random(), projectID: ProjectID(trusted: "p_ship"), workspace: WorkspaceSlug(trusted: "acme"), state: .deploying,
                branch: "main", message: "m", applicationUUID: ApplicationUUID(trusted: "app1"), commit: String(repeating: "a", count: 40),
                committed: true, deploymentUUID: "dep1", createdAt: self.clock.now, updatedAt: self.clock.now
            )
            #expect(try await recorder.event(for: .ship(ship, from: nil)) == nil, "started: no event")
            #expect(try await recorder.event(for: .ship(ship, from: .pushing)) == nil, "deploying: no event")
            ship.state = .succeeded
            ship.deploymentURL = "https://coolify.example.test/deployment/dep1"
            let succeeded = try await recorder.event(for: .ship(ship, from: .deploying))
            #expect(succeeded?.type == .shipSucceeded)
            let data = try self.data(succeeded)
            #expect(data["shipId"] as? String == ship.id.rawValue && data["branch"] as? String == "main" && data["commit"] as? String == ship.commit)
            #expect(data["deploymentUrl"] as? String == ship.deploymentURL && data["applicationUuid"] as? String == "app1")
            #expect(data["reason"] is NSNull && data["projectId"] as? String == "p_ship")
            ship.state = .failed
            ship.reason = "the push exited with 1: ! [rejected] main -> main (fetch first)"
            let failed = try await recorder.event(for: .ship(ship, from: .pushing))
            let reason = try self.data(failed)["reason"] as? String
            #expect(failed?.type == .shipFailed && reason == ship.reason)
        }
    }
}
