import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SSHExec
import Storage
import Testing

@Suite("POST …/autosave pushing to a real bare git repository")
struct AutosaveRouteTests {
    @Test("pushes the working tree to vibn-autosave/main without touching HEAD, branch or index; then throttles")
    func pushesThenThrottles() async throws {
        let fixture = try await AutosaveFixture.make()
        try await fixture.makeRepository()
        let before = try await fixture.userState()
        try await fixture.exec.test { client in
            let commit = try await client.autosave(nil) { response throws -> String in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["ran"] as? Bool == true)
                #expect(json["reason"] as? String == "pushed")
                #expect((json["pushedAt"] as? String)?.hasSuffix("Z") == true)
                return try #require(json["commit"] as? String)
            }
            #expect(try await fixture.autosaveBranch() == commit)
            let origin = ShellQuote.quote(fixture.origin)
            let files = try await fixture.git("git --git-dir=\(origin) ls-tree -r --name-only \(commit)")
            #expect(files.split(separator: "\n") == ["committed.txt", "staged.txt", "uncommitted.txt"])
            #expect(try await fixture.git("git --git-dir=\(origin) show \(commit):uncommitted.txt") == "two\n")
            let parent = try await fixture.git("git --git-dir=\(origin) rev-parse \(commit)^ refs/heads/main")
            #expect(Set(parent.split(separator: "\n")).count == 1, "the first autosave's parent is the user's HEAD")
            #expect(try await fixture.userState() == before)

            try await client.autosave(#"{"force":false}"#) { response throws in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["ran"] as? Bool == false)
                #expect(json["reason"] as? String == "throttled")
                #expect(json["commit"] == nil)
            }
            try await fixture.git("echo four > /workspace/app/later.txt")
            let second = try await client.autosave(#"{"force":true}"#) { response throws -> String in
                #expect(response.status == .ok)
                #expect(try response.json()["ran"] as? Bool == true)
                return try #require(try response.json()["commit"] as? String)
            }
            #expect(second != commit)
            #expect(try await fixture.autosaveBranch() == second)
            #expect(try await fixture.git("git --git-dir=\(origin) rev-parse \(second)^") == commit + "\n")
            try await client.autosave(#"{"force":true}"#) { response throws in
                #expect(try response.json()["commit"] as? String == second, "an unchanged tree pushes the same commit again")
            }
            let attempts = try await fixture.exec.app.store.autosaves(project: fixture.exec.project, limit: 10)
            #expect(attempts.map(\.commit) == [second, second, commit])
            #expect(attempts.allSatisfy { $0.ok && $0.code == 0 && $0.repo == "app" })
        }
        #expect(try await fixture.userState().contains("later.txt"))
    }

    @Test("a push to an unreachable origin answers 502 autosave_failed with git's message and is recorded")
    func failedPush() async throws {
        let fixture = try await AutosaveFixture.make()
        try await fixture.makeRepository()
        try await fixture.git("cd /workspace/app && git remote set-url origin /nonexistent/vibn-origin.git")
        try await fixture.exec.test { client in
            try await client.autosave(#"{"force":false}"#) { response throws in
                #expect(response.status == .badGateway)
                let error = try response.errorBody().error
                #expect(error.code == "autosave_failed")
                #expect(error.message.contains("/nonexistent/vibn-origin.git"))
            }
            let attempts = try await fixture.exec.app.store.autosaves(project: fixture.exec.project, limit: 10)
            #expect(attempts.count == 1)
            #expect(attempts.first?.ok == false)
            #expect(attempts.first?.commit == nil)
            #expect(attempts.first?.code.map { $0 != 0 } == true)
            #expect(attempts.first?.output.contains("/nonexistent/vibn-origin.git") == true)
            // A failure is not a push: the next attempt is not throttled.
            try await client.autosave(nil) { response in #expect(response.status == .badGateway) }
        }
        #expect(try await fixture.autosaveBranch() == "")
    }

    @Test("skips without .git, and for containers that are not running; 404 without a container")
    func skips() async throws {
        let fixture = try await AutosaveFixture.make()
        try await fixture.exec.test { client in
            try await client.autosave(nil) { response throws in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["ran"] as? Bool == false)
                #expect(json["reason"] as? String == "no_git")
            }
            try await client.autosave(nil, projectPath: "/v1/workspaces/acme/projects/proj_none") { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "no_container")
            }
            try await client.autosave(#"{"force":"yes"}"#) { response in #expect(response.status == .badRequest) }
            try await client.execute(uri: ExecFixture.projectPath + "/autosave", method: .get, headers: TestApp.authorized) { response in
                #expect(response.status == .methodNotAllowed)
            }
            #expect(try await fixture.exec.app.store.autosaves(project: fixture.exec.project, limit: 10).isEmpty)
        }
        let suspended = try await AutosaveFixture.make(state: .suspended)
        try await suspended.exec.test { client in
            try await client.autosave(#"{"force":true}"#) { response throws in
                #expect(response.status == .ok)
                #expect(try response.json()["reason"] as? String == "state=suspended")
            }
        }
    }

    @Test("the before-suspend hook saves, and a failed save is recorded without stopping the suspend")
    func beforeSuspend() async throws {
        let fixture = try await AutosaveFixture.make()
        try await fixture.makeRepository()
        let store = fixture.exec.app.store
        let shell = try SSHExec(fixture.exec.peer.configuration())
        let hook = fixture.exec.app.gateway(shell: shell).autosave.saveBeforeSuspend(logger: Logger(label: "autosave-tests"))
        let record = try #require(try await store.container(fixture.exec.project))
        try await hook(record)
        let pushed = try await fixture.autosaveBranch()
        try await fixture.git("cd /workspace/app && git remote set-url origin /nonexistent/vibn-origin.git")
        try await hook(record)
        await shell.close()
        let attempts = try await store.autosaves(project: fixture.exec.project, limit: 10)
        try await store.close()
        try? FileManager.default.removeItem(atPath: fixture.exec.app.path)
        #expect(!pushed.isEmpty)
        #expect(attempts.map(\.ok) == [false, true])
        #expect(attempts.last?.commit == pushed)
    }
}
