import Foundation
import GatewayCore
import GatewayTestSupport
import SSHExec
import Testing

/// Runs `body` with an SSHExec against the real test sshd, closing it afterwards.
func withShell<T>(
    _ configuration: SSHConfiguration? = nil,
    _ body: (SSHExec, SSHTestPeer) async throws -> T
) async throws -> T {
    let peer = try SSHTestPeer.require()
    let shell = try SSHExec(configuration ?? peer.configuration())
    do {
        let result = try await body(shell, peer)
        await shell.close()
        return result
    } catch {
        await shell.close()
        throw error
    }
}

extension ExecResult {
    var out: String { String(decoding: self.stdout, as: UTF8.self) }
    var err: String { String(decoding: self.stderr, as: UTF8.self) }
}

@Suite("SSHExec against a real sshd")
struct SSHExecTests {
    @Test("exit codes, stdout and stderr apart")
    func exitCodes() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let result = try await shell.exec(ExecRequest(command: "echo out; echo err >&2; exit 3"), in: service)
            #expect(result.exitCode == 3)
            #expect(result.out == "out\n")
            #expect(result.err == "err\n")
            #expect(result.timedOut == false)
            #expect(result.truncated == false)
            let ok = try await shell.exec(ExecRequest(command: "true"), in: service)
            #expect(ok.exitCode == 0)
        }
    }

    @Test("stdin reaches the command, byte for byte")
    func stdin() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let input: [UInt8] = Array(0...255) + Array("last line\n".utf8)
            let result = try await shell.exec(ExecRequest(command: "cat", stdin: input), in: service)
            #expect(result.exitCode == 0)
            #expect(result.stdout == input)
        }
    }

    @Test("the command runs as one unit in cwd with env exported")
    func cwdAndEnv() async throws {
        try await withShell { shell, peer in
            let (service, workspace) = try peer.makeContainer()
            try FileManager.default.createDirectory(at: workspace.appendingPathComponent("sub"), withIntermediateDirectories: true)
            let request = ExecRequest(command: "echo \"$FOO\" & pwd; wait", cwd: "/workspace/sub", env: ["FOO": "bar baz"])
            let result = try await shell.exec(request, in: service)
            #expect(result.exitCode == 0)
            #expect(Set(result.out.split(separator: "\n")) == ["bar baz", "/workspace/sub"])
        }
    }

    @Test("quoting attacks in cwd, env and user run nothing extra")
    func quotingAttacks() async throws {
        try await withShell { shell, peer in
            let (service, workspace) = try peer.makeContainer()
            let evil = "x'; touch /workspace/pwned; echo '$(touch /workspace/pwned2)`touch /workspace/pwned3`\n"
            let weirdDir = "d'; touch pwned4; '"
            try FileManager.default.createDirectory(at: workspace.appendingPathComponent(weirdDir), withIntermediateDirectories: true)
            let request = ExecRequest(command: "printf '%s' \"$EVIL\"; pwd >&2", cwd: "/workspace/\(weirdDir)", env: ["EVIL": evil])
            let result = try await shell.exec(request, in: service)
            #expect(result.exitCode == 0)
            #expect(result.out == evil)
            #expect(result.err == "/workspace/\(weirdDir)\n")
            let names = try FileManager.default.contentsOfDirectory(atPath: workspace.path)
            #expect(names == [weirdDir])
            #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.appendingPathComponent(weirdDir).path).isEmpty)

            await #expect(throws: ValidationError.self) {
                try await shell.exec(ExecRequest(command: "true", env: ["A;touch /workspace/x": "1"]), in: service)
            }
            await #expect(throws: ValidationError.self) {
                try await shell.exec(ExecRequest(command: "true", user: "root; touch /workspace/x"), in: service)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.path) == [weirdDir])
        }
    }

    @Test("large binary output is cut to the cap, head and tail kept")
    func outputCap() async throws {
        try await withShell { shell, peer in
            let (service, workspace) = try peer.makeContainer()
            var generator = SystemRandomNumberGenerator()
            let blob = (0..<600_000).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try Data(blob).write(to: workspace.appendingPathComponent("blob"))
            let cap = 64 * 1024
            let result = try await shell.exec(ExecRequest(command: "cat blob; cat blob >&2", maxBytes: cap), in: service)
            #expect(result.exitCode == 0)
            #expect(result.truncated)
            for stream in [result.stdout, result.stderr] {
                #expect(Array(stream.prefix(cap / 2)) == Array(blob.prefix(cap / 2)))
                #expect(Array(stream.suffix(cap / 2)) == Array(blob.suffix(cap / 2)))
                let marker = String(decoding: stream.dropFirst(cap / 2).dropLast(cap / 2), as: UTF8.self)
                #expect(marker.contains("\(blob.count - cap) bytes omitted"))
            }
            let whole = try await shell.exec(ExecRequest(command: "cat blob", maxBytes: blob.count), in: service)
            #expect(whole.stdout == blob)
            #expect(!whole.truncated)
        }
    }

    @Test("a timeout kills the remote process group and says timedOut")
    func timeout() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let marker = "30.\(Int.random(in: 100_000...999_999))"
            let request = ExecRequest(command: "sleep 3\(marker) & sleep \(marker)", timeout: .milliseconds(800))
            _ = try await shell.exec(ExecRequest(command: "true"), in: service)  // connect first: time only the command
            let clock = ContinuousClock()
            let started = clock.now
            let result = try await shell.exec(request, in: service)
            #expect(result.timedOut)
            #expect(result.exitCode == nil)
            // Ended by the 0.8 s timeout (plus at most the 2 s grace before SIGKILL), not by the 30 s sleeps;
            // the bound leaves room for a loaded machine.
            #expect(clock.now - started < .seconds(15))
            #expect(try await ProcessTable.waitUntilGone(["sleep", marker]))
        }
    }
}
