import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import Logging
import SSHExec
import Storage
import Testing

/// What chat turns do in the background: `started` provisions or resumes, `ended` records activity and autosaves.
@Suite("Chat-turn effects")
struct ChatTurnLifecycleTests {
    static let acme = WorkspaceSlug(trusted: "acme")

    @Test("started provisions exactly once though sent twice at once and replayed; on a suspended container it resumes")
    func started() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let store = app.store
            let gateway = app.coolifyGateway(standIn)
            let lifecycle = try #require(gateway.lifecycle)
            let project = ProjectID(trusted: "proj_1")
            try await app.test(gateway: gateway) { client throws in
                let first = ChatTurnFixture.body(turn: "t-1", phase: "started")
                async let one = client.chatTurn(first)
                async let two = client.chatTurn(first)
                for response in try await [one, two] {
                    #expect(response.status == .accepted)
                    #expect(try response.json()["state"] as? String == "provisioning")
                }
                try await eventually("the service recorded", within: .seconds(60)) { try await store.container(project)?.serviceUUID != nil }
                let replay = try await client.chatTurn(first)
                #expect(replay.status == .accepted)
                let uuid = try #require(try await store.container(project)?.serviceUUID)
                #expect(try replay.json()["serviceUuid"] as? String == uuid.rawValue)

                // A new turn on a suspended container resumes it; replaying that turn later changes nothing.
                _ = try await lifecycle.suspend(workspace: Self.acme, project: project)
                let second = ChatTurnFixture.body(turn: "t-2", phase: "started")
                let resumed = try await client.chatTurn(second)
                #expect(try resumed.json()["state"] as? String == "suspended")
                try await eventually("the container running", within: .seconds(60)) { try await store.container(project)?.state == .running }
                _ = try await lifecycle.suspend(workspace: Self.acme, project: project)
                #expect(try await client.chatTurn(second).status == .accepted)
                // A later turn with a visible effect proves the replay before it was dropped.
                let other = ProjectID(trusted: "proj_2")
                #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-3", phase: "started", project: "proj_2")).status == .accepted)
                try await eventually("the other project's service recorded", within: .seconds(60)) { try await store.container(other)?.serviceUUID != nil }
                #expect(try await store.container(project)?.state == .suspended)
                #expect(await standIn.count("POST", "/services") == 2)
                #expect(await standIn.count("POST", "/services/\(uuid)/start") == 1)
            }
        }
    }

    @Test("ended records activity and autosaves when one is due, but not within the throttle")
    func ended() async throws {
        let fixture = try await AutosaveFixture.make(state: .running)
        try await fixture.makeRepository()
        let exec = fixture.exec
        let store = exec.app.store
        let clock = CoolifyTestClock()
        let shell = try SSHExec(exec.peer.configuration())
        let gateway = exec.app.gateway(shell: shell, clock: clock)
        clock.advance(by: 60)
        do {
            try await exec.app.test(gateway: gateway) { client throws in
                let response = try await client.chatTurn(ChatTurnFixture.body(turn: "t-end"))
                #expect(response.status == .accepted)
                #expect(try response.json()["state"] as? String == "running")
                try await eventually("an autosave pushed", within: .seconds(60)) { try await store.lastPushedAutosave(project: exec.project) != nil }
                let saved = try #require(try await store.lastPushedAutosave(project: exec.project))
                #expect(try await fixture.autosaveBranch() == saved.commit)
                let active = try #require(try await store.container(exec.project)?.lastActiveAt)
                #expect(abs(active.timeIntervalSince(clock.now)) < 0.01)

                // A minute later the next turn ends: activity is recorded, nothing is pushed (throttled).
                clock.advance(by: 60)
                #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-end-2")).status == .accepted)
                try await eventually("every pending turn applied", within: .seconds(60)) { try await store.pendingTurnCount() == 0 }
                #expect(try await store.autosaves(project: exec.project, limit: 10).count == 1)
                let later = try #require(try await store.container(exec.project)?.lastActiveAt)
                #expect(abs(later.timeIntervalSince(clock.now)) < 0.01)
            }
        } catch {
            await shell.close()
            throw error
        }
        await shell.close()
    }
}
