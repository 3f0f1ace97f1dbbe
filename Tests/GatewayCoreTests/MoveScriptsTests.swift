import Foundation
@testable import GatewayCore
import Testing

@Suite("Moving a container: the scripts' output and quoting")
struct MoveScriptsTests {
    static func result(_ stdout: String, exitCode: Int32 = 0) -> ExecResult {
        ExecResult(exitCode: exitCode, stdout: Array(stdout.utf8), stderr: [], truncated: false, timedOut: false, durationMs: 1)
    }

    static let head = String(repeating: "ab", count: 20)

    @Test("the prepare script's last line gives origin, branch and commit; anything else is a failure")
    func repository() throws {
        let parsed = try MoveScripts.repository(from: Self.result("pushed\nvibn-move: \(Self.head) feat/x-1 /srv/git/my repo.git\n"))
        #expect(parsed == MoveScripts.Repository(origin: "/srv/git/my repo.git", branch: "feat/x-1", head: Self.head))
        #expect(try MoveScripts.repository(from: Self.result("vibn-move: - - https://example.test/r.git")) ==
                MoveScripts.Repository(origin: "https://example.test/r.git", branch: nil, head: nil))
        #expect(try MoveScripts.repository(from: Self.result("vibn-move: no-git\n")) == nil)
        // A name `git checkout -B` could read as something else is not passed on (the restore checks out detached).
        for branch in ["-rf", "a..b", "a;b", "$(x)", "ä"] {
            let repository = try MoveScripts.repository(from: Self.result("vibn-move: \(Self.head) \(branch) /r.git"))
            #expect(repository?.branch == nil && repository?.origin == "/r.git", "\(branch)")
        }
        for bad in [
            Self.result("vibn-move: \(Self.head) main /r.git", exitCode: 1), Self.result("vibn-move: zzz main /r.git"),
            Self.result("vibn-move: \(Self.head) main"), Self.result("fatal: not a git repository"), Self.result(""),
        ] {
            #expect(throws: MoveScripts.Failure.self) { try MoveScripts.repository(from: bad) }
        }
    }

    @Test("every value in the restore script is one quoted word")
    func quoting() {
        let scripts = MoveScripts(slug: ProjectSlug(trusted: "shop"))
        let hostile = "/srv/r.git'; touch /tmp/pwned; echo '"
        let script = scripts.restore(MoveScripts.Repository(origin: hostile, branch: "main", head: Self.head), commit: Self.head)
        #expect(script.contains("git remote add origin \(ShellQuote.quote(hostile))"))
        #expect(script.contains("git checkout -q -B 'main' '\(Self.head)'"))
        #expect(script.contains("git restore --source='\(Self.head)' --worktree -- ."))
        #expect(scripts.restore(MoveScripts.Repository(origin: "/r", branch: nil, head: nil), commit: Self.head).contains("\n:\n"))
    }

    @Test("server names are lower-case DNS labels of at most 40 characters")
    func serverNames() throws {
        for hostile in IdentifierTests.hostileInputs {
            #expect(throws: ValidationError.self, "\(hostile)") { try ServerName(validating: hostile) }
        }
        #expect(try ServerName(validating: "host-a").rawValue == "host-a")
        #expect(try ServerName(validating: String(repeating: "a", count: 40)).rawValue.count == 40)
    }
}
