import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SSHExec
import Testing

/// An ``ExecFixture`` whose project `app` is a real git repository in the stand-in container, with a real bare
/// repository as its `origin`; git runs as the sshd test user, inside the container, as the gateway's own exec does.
struct AutosaveFixture {
    let exec: ExecFixture
    /// The bare repository `origin` points at (readable and writable by the test user).
    let origin: String

    /// The fixture with the container row in `state`; the repository is made by ``makeRepository()``.
    static func make(state: ContainerState = .running) async throws -> AutosaveFixture {
        let exec = try await ExecFixture.make(state: state)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-autosave-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountName: exec.peer.user], ofItemAtPath: directory.path)
        return AutosaveFixture(exec: exec, origin: directory.appendingPathComponent("origin.git").path)
    }

    /// Creates `/workspace/app` on `main` with one pushed commit, then leaves an uncommitted file and a staged one.
    func makeRepository() async throws {
        try await self.git("""
            git init -q --bare \(ShellQuote.quote(self.origin))
            mkdir -p /workspace/app && cd /workspace/app
            git init -q -b main
            git remote add origin \(ShellQuote.quote(self.origin))
            echo one > committed.txt && git add committed.txt
            git -c user.name=Tester -c user.email=tester@example.com commit -q -m first
            git push -q origin main
            echo two > uncommitted.txt
            echo three > staged.txt && git add staged.txt
            """)
    }

    /// Runs `script` in the container (`set -e`) and returns its stdout; a failure fails the test with its stderr.
    @discardableResult
    func git(_ script: String) async throws -> String {
        let shell = try SSHExec(self.exec.peer.configuration())
        let result: ExecResult
        do {
            result = try await shell.exec(ExecRequest(command: "set -e\n" + script), in: self.exec.service)
        } catch {
            await shell.close()
            throw error
        }
        await shell.close()
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        try #require(result.exitCode == 0, "git setup failed: \(stderr)")
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// The user's side of the repository: HEAD, its branch, the index and the working tree's status.
    func userState() async throws -> String {
        try await self.git("cd /workspace/app && git rev-parse HEAD && git symbolic-ref HEAD && git ls-files -s && git status --porcelain")
    }

    /// What `origin` has at `vibn-autosave/main`: the commit, or an empty string when the branch does not exist.
    func autosaveBranch() async throws -> String {
        let origin = ShellQuote.quote(self.origin)
        return try await self.git("git --git-dir=\(origin) rev-parse -q --verify refs/heads/vibn-autosave/main || true")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension TestClientProtocol {
    /// `POST …/autosave` of `projectPath` with `json` as the body (none when nil).
    func autosave<Return>(
        _ json: String?,
        projectPath: String = ExecFixture.projectPath,
        _ check: @escaping (TestResponse) async throws -> Return
    ) async throws -> Return {
        var headers = TestApp.authorized
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: projectPath + "/autosave", method: .post, headers: headers,
                                      body: json.map { ByteBuffer(string: $0) }, testCallback: check)
    }
}
