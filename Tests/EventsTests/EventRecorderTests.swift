import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import Storage
import Synchronization
import Testing

@Suite("EventRecorder")
struct EventRecorderTests {
    let clock = CoolifyTestClock(Date(timeIntervalSince1970: 1_800_000_000))

    func recorder(_ fixture: OutboxFixture) -> EventRecorder {
        EventRecorder(store: fixture.store, clock: self.clock, logger: OutboxFixture.logger, wake: {})
    }

    /// The event's body as a JSON object.
    func json(_ event: OutboundEvent?) throws -> [String: Any] {
        let body = try #require(event?.body)
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    func data(_ event: OutboundEvent?) throws -> [String: Any] {
        try #require(try self.json(event)["data"] as? [String: Any])
    }

    @Test("a container state change becomes container.state_changed; a created row has from null; no change, no event")
    func containerChanges() async throws {
        try await OutboxFixture.with { fixture in
            let recorder = self.recorder(fixture)
            let record = OutboxFixture.record()
            let changed = try await recorder.event(for: .container(record, from: .provisioning))
            #expect(changed?.type == .containerStateChanged)
            #expect(changed?.id.hasPrefix("msg_") == true)
            let json = try self.json(changed)
            #expect(json["type"] as? String == "container.state_changed")
            #expect(json["timestamp"] as? String == "2027-01-15T08:00:00Z")
            let data = try self.data(changed)
            #expect(data["workspace"] as? String == record.workspace.rawValue)
            #expect(data["projectId"] as? String == record.projectID.rawValue)
            #expect(data["projectSlug"] as? String == "app")
            #expect(data["serviceUuid"] as? String == record.serviceUUID?.rawValue)
            #expect(data["from"] as? String == "provisioning")
            #expect(data["state"] as? String == "running")

            let created = try self.data(try await recorder.event(for: .container(OutboxFixture.record(state: .provisioning), from: nil)))
            #expect(created["from"] is NSNull)
            #expect(created["state"] as? String == "provisioning")

            #expect(try await recorder.event(for: .container(record, from: .running)) == nil)
        }
    }

    @Test("a dev server becoming running or failed is ready or failed, with its container's slug and service; other moves are not events")
    func devServerChanges() async throws {
        try await OutboxFixture.with { fixture in
            let recorder = self.recorder(fixture)
            let reservation = ContainerReservation(
                projectID: ProjectID(trusted: "p_devserver"), workspace: WorkspaceSlug(trusted: "acme"),
                projectSlug: ProjectSlug(trusted: "shop"), image: "img", state: .running
            )
            _ = try await fixture.store.reserveContainer(reservation, at: self.clock.now)
            _ = try await fixture.store.recordServiceUUID(ServiceUUID(trusted: "svc1"), for: reservation.projectID)
            var server = DevServerRecord(
                id: .random(), projectID: reservation.projectID, workspace: reservation.workspace, name: "web", command: "vite",
                port: try PreviewPort(validating: 3001), pid: 42, previewURL: "https://p1-shop.example.com", state: .running,
                startedAt: self.clock.now, stoppedAt: nil
            )
            let ready = try await recorder.event(for: .devServer(server, from: .starting))
            #expect(ready?.type == .devServerReady)
            let data = try self.data(ready)
            #expect(data["projectSlug"] as? String == "shop")
            #expect(data["serviceUuid"] as? String == "svc1")
            let devServer = try #require(data["devServer"] as? [String: Any])
            #expect(devServer["id"] as? String == server.id.rawValue)
            #expect(devServer["name"] as? String == "web")
            #expect(devServer["port"] as? Int == 3001)
            #expect(devServer["previewUrl"] as? String == "https://p1-shop.example.com")
            #expect(devServer["failureReason"] == nil)

            server.state = .failed
            server.failureReason = "Error: listen EADDRINUSE"
            let failed = try await recorder.event(for: .devServer(server, from: .starting))
            #expect(failed?.type == .devServerFailed)
            #expect((try self.data(failed)["devServer"] as? [String: Any])?["failureReason"] as? String == "Error: listen EADDRINUSE")

            server.state = .stopped
            #expect(try await recorder.event(for: .devServer(server, from: .running)) == nil)
            server.state = .starting
            #expect(try await recorder.event(for: .devServer(server, from: nil)) == nil)
            server.state = .running
            #expect(try await recorder.event(for: .devServer(server, from: .running)) == nil)
        }
    }

    @Test("an autosave is autosave.pushed with its commit, or autosave.failed with the exit code and the output's tail")
    func autosaves() async throws {
        try await OutboxFixture.with { fixture in
            let recorder = self.recorder(fixture)
            let pushed = AutosaveAttempt(
                projectID: ProjectID(trusted: "p_saved"), workspace: WorkspaceSlug(trusted: "acme"), repo: "shop",
                output: "ok", code: 0, commit: "0123456789abcdef0123456789abcdef01234567", ok: true, at: self.clock.now
            )
            let event = try await recorder.event(for: .autosave(pushed))
            #expect(event?.type == .autosavePushed)
            let data = try self.data(event)
            #expect(data["commit"] as? String == pushed.commit)
            #expect(data["projectSlug"] as? String == "shop")
            #expect(data["output"] == nil && data["exitCode"] == nil)

            let output = String(repeating: "x", count: 3000) + "fatal: could not read from remote repository"
            let failed = AutosaveAttempt(
                projectID: pushed.projectID, workspace: pushed.workspace, repo: "shop", output: output,
                code: 128, commit: nil, ok: false, at: self.clock.now
            )
            let failure = try self.data(try await recorder.event(for: .autosave(failed)))
            #expect(try await recorder.event(for: .autosave(failed))?.type == .autosaveFailed)
            #expect(failure["exitCode"] as? Int == 128)
            #expect((failure["output"] as? String)?.count == EventRecorder.outputTail)
            #expect((failure["output"] as? String)?.hasSuffix("fatal: could not read from remote repository") == true)
            #expect(failure["commit"] == nil)

            let timedOut = AutosaveAttempt(
                projectID: pushed.projectID, workspace: pushed.workspace, repo: "shop", output: "", code: nil, commit: nil,
                ok: false, at: self.clock.now
            )
            #expect(try self.data(try await recorder.event(for: .autosave(timedOut)))["exitCode"] is NSNull)
        }
    }

    @Test("a gateway's changes enqueue one event each into its store and wake the deliverer")
    func recordsThroughGatewayChanges() async throws {
        try await OutboxFixture.with { fixture in
            let wakes = WakeCounter()
            let recorder = EventRecorder(store: fixture.store, clock: self.clock, logger: OutboxFixture.logger) { wakes.ring() }
            let changes = Gateway.testing(store: fixture.store, events: recorder, clock: self.clock).changes
            let reservation = ContainerReservation(
                projectID: ProjectID(trusted: "p_observed"), workspace: WorkspaceSlug(trusted: "acme"),
                projectSlug: ProjectSlug(trusted: "shop"), image: "img"
            )
            _ = try await changes.reserveContainer(reservation, at: self.clock.now)
            _ = try await changes.recordServiceUUID(ServiceUUID(trusted: "svc2"), for: reservation.projectID)
            _ = try await changes.transitionContainer(reservation.projectID, from: .provisioning, to: .running, at: self.clock.now)
            let pending = try await fixture.store.pendingEvents(createdAfter: .distantPast, limit: 10)
            #expect(pending.map(\.type) == [.containerStateChanged, .containerStateChanged])
            #expect(try pending.map { try self.data($0)["state"] as? String } == ["provisioning", "running"])
            #expect(wakes.count == 2)
        }
    }
}

/// Counts wake-ups.
final class WakeCounter: Sendable {
    let rings = Mutex(0)
    var count: Int { self.rings.withLock { $0 } }
    func ring() { self.rings.withLock { $0 += 1 } }
}
