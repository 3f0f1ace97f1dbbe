import Foundation
import GatewayCore
import Storage
import Testing

/// The autosave store, run unchanged against SQLite and PostgreSQL.
@Suite("AutosaveStore")
struct AutosaveStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func attempt(_ project: ProjectID, ok: Bool, offset: TimeInterval, commit: String? = nil) -> AutosaveAttempt {
        AutosaveAttempt(
            projectID: project, workspace: WorkspaceSlug(trusted: "acme"), repo: "shop",
            output: ok ? "To origin\n" : "fatal: 'origin' does not appear to be a git repository\n",
            code: ok ? 0 : 128, commit: ok ? (commit ?? String(repeating: "a", count: 40)) : nil, ok: ok,
            at: self.now.addingTimeInterval(offset)
        )
    }

    @Test("attempts read back newest first; only pushed ones count as the last push", arguments: StoreBackend.allCases)
    func recordAndRead(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            #expect(try await store.lastPushedAutosave(project: project) == nil)
            let pushed = self.attempt(project, ok: true, offset: 0, commit: String(repeating: "b", count: 40))
            let failed = self.attempt(project, ok: false, offset: 60)
            try await store.recordAutosave(pushed)
            try await store.recordAutosave(failed)
            try await store.recordAutosave(self.attempt(uniqueProject(), ok: true, offset: 120))
            #expect(try await store.autosaves(project: project, limit: 10) == [failed, pushed])
            #expect(try await store.autosaves(project: project, limit: 1) == [failed])
            #expect(try await store.lastPushedAutosave(project: project) == pushed)
            #expect(try await store.autosaves(project: uniqueProject(), limit: 10).isEmpty)
        }
    }

    @Test("output is kept up to 4000 characters, the end of it; a timed-out attempt has no code", arguments: StoreBackend.allCases)
    func outputAndCode(backend: StoreBackend) async throws {
        try await backend.withStore { store throws in
            let project = uniqueProject()
            var long = self.attempt(project, ok: false, offset: 0)
            long = AutosaveAttempt(
                projectID: project, workspace: long.workspace, repo: long.repo,
                output: String(repeating: "x", count: 5000) + "the end", code: nil, commit: nil, ok: false, at: long.at
            )
            #expect(long.output.count == AutosaveAttempt.maxOutput)
            #expect(long.output.hasSuffix("the end"))
            try await store.recordAutosave(long)
            #expect(try await store.autosaves(project: project, limit: 1) == [long])
        }
    }
}
