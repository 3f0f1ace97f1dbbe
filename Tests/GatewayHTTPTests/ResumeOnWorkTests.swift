import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing

/// Work on a suspended container resumes it first, as the seed's `execInDevContainer` did.
@Suite("Work resumes the container")
struct ResumeOnWorkTests {
    @Test("three concurrent execs on a suspended container resume it with one Coolify start, then all run")
    func execResumes() async throws {
        try await IdleSweepFixture.with { fixture, client in
            let project = ProjectID(trusted: "proj_1")
            let uuid = try await fixture.running(project)
            _ = try await fixture.lifecycle.suspend(workspace: IdleSweepFixture.workspace, project: project)
            #expect(try await fixture.app.store.container(project)?.state == .suspended)
            let outputs = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<3 {
                    group.addTask {
                        var headers = TestApp.authorized
                        headers[.contentType] = "application/json"
                        let response = try await client.execute(
                            uri: "/v1/workspaces/acme/projects/proj_1/exec", method: .post, headers: headers,
                            body: ByteBuffer(string: #"{"command":"echo work-\#(index)"}"#)
                        )
                        #expect(response.status == .ok)
                        return try response.json()["stdout"] as? String ?? ""
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outputs.sorted() == ["work-0\n", "work-1\n", "work-2\n"])
            #expect(await fixture.standIn.count("POST", "/services/\(uuid)/start") == 1)
            #expect(try await fixture.app.store.container(project)?.state == .running)
        }
    }

    @Test("an autosave asked for on a suspended container resumes it and saves")
    func autosaveResumes() async throws {
        try await IdleSweepFixture.with { fixture, client in
            let project = ProjectID(trusted: "proj_1")
            let uuid = try await fixture.running(project)
            let origin = try await fixture.makeRepository(in: uuid)
            _ = try await fixture.lifecycle.suspend(workspace: IdleSweepFixture.workspace, project: project)
            var headers = TestApp.authorized
            headers[.contentType] = "application/json"
            let response = try await client.execute(
                uri: "/v1/workspaces/acme/projects/proj_1/autosave", method: .post, headers: headers, body: ByteBuffer(string: #"{"force":true}"#)
            )
            #expect(response.status == .ok)
            #expect(try response.json()["ran"] as? Bool == true)
            #expect(await fixture.standIn.count("POST", "/services/\(uuid)/start") == 1)
            #expect(try await fixture.autosaveBranch(origin, service: uuid).isEmpty == false)
        }
    }

    @Test("the periodic autosave saves a running container active since its last push, and only then")
    func periodicAutosave() async throws {
        try await IdleSweepFixture.with { fixture, _ in
            let project = ProjectID(trusted: "proj_1")
            let uuid = try await fixture.running(project)
            let origin = try await fixture.makeRepository(in: uuid)
            let periodic = try #require(fixture.gateway.periodicAutosave)
            #expect(fixture.gateway.services.contains { $0 is PeriodicAutosave })
            #expect(await periodic.saveActive() == 1)
            let first = try await fixture.autosaveBranch(origin, service: uuid)
            #expect(first.isEmpty == false)
            // No activity since the push: nothing to save.
            fixture.clock.advance(by: 6 * 60)
            #expect(await periodic.saveActive() == 0)
            // Activity again, past the throttle: saved again.
            try await fixture.app.store.touchContainer(project, workspace: IdleSweepFixture.workspace, at: fixture.clock.now)
            fixture.clock.advance(by: 1)
            try await fixture.run("echo more >> /workspace/app/work.txt", in: uuid)
            #expect(await periodic.saveActive() == 1)
            #expect(try await fixture.autosaveBranch(origin, service: uuid) != first)
        }
    }
}
