import Foundation
import GatewayCore
import GatewayTestSupport
import SSHExec
import Testing

/// What a stock sshd allows (`MaxSessions 10`, `MaxStartups 10:30:100`, as scripts/lib/sshd.sh runs it) and what
/// a host key learned on first contact is worth after a restart.
@Suite("SSHExec within a stock sshd's limits", .timeLimit(.minutes(3)))
struct SSHBoundsTests {
    @Test("30 concurrent commands on one host all run: the gate keeps sessions under MaxSessions 10")
    func manyConcurrentCommands() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let results = try await withThrowingTaskGroup(of: ExecResult.self) { group in
                for index in 0..<30 {
                    group.addTask { try await shell.exec(ExecRequest(command: "sleep 0.3; echo \(index)"), in: service) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 30)
            #expect(results.allSatisfy { $0.exitCode == 0 }, "\(results.filter { $0.exitCode != 0 }.map(\.err))")
            #expect(Set(results.map(\.out)).count == 30)
        }
    }

    @Test("callers over the bound wait in line and give up with 503 ssh_busy after the queue timeout")
    func queueTimeout() async throws {
        let peer = try SSHTestPeer.require()
        var configuration = peer.configuration()
        configuration.maxSessions = 2
        configuration.queueTimeout = .milliseconds(500)
        try await withShell(configuration) { shell, peer in
            let (service, _) = try peer.makeContainer()
            let outcomes = await withTaskGroup(of: Result<ExecResult, any Error>.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do { return .success(try await shell.exec(ExecRequest(command: "sleep 2"), in: service)) } catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let busy = outcomes.compactMap { outcome -> GatewayError? in
                if case .failure(let error as GatewayError) = outcome, error.code.rawValue == "ssh_busy" { return error }
                return nil
            }
            #expect(outcomes.count { (try? $0.get())?.exitCode == 0 } == 2, "two run")
            #expect(busy.count == 2, "two give up: \(outcomes)")
            #expect(busy.allSatisfy { $0.kind == .unavailable && $0.retryAfterSeconds != nil })
        }
    }

    @Test("standard input that ssh never reads (the command ignores it and exits) is no crash of the gateway")
    func unreadStdin() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let input = [UInt8](repeating: 0x61, count: 8 << 20)
            for _ in 0..<5 {
                let result = try await shell.exec(ExecRequest(command: "exit 3", stdin: input), in: service)
                #expect(result.exitCode == 3)
            }
        }
    }

    @Test("with accept-new, a learned host key is kept in the state file: after a restart a changed key is refused")
    func learnedHostKeys() async throws {
        let peer = try SSHTestPeer.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-learned-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("state/ssh_known_hosts").path
        var configuration = peer.configuration(knownHosts: "")
        configuration.firstContact = .acceptNew
        configuration.learnedHostsFile = file

        let (service, _) = try peer.makeContainer()
        try await withShell(configuration) { shell, _ in
            let result = try await shell.exec(ExecRequest(command: "true"), in: service)
            #expect(result.exitCode == 0)
        }
        let learned = try String(contentsOfFile: file, encoding: .utf8)
        let hostKey = try #require(peer.knownHosts.split(separator: " ").last)
        #expect(learned.contains(hostKey), "the host's key is recorded in \(file)")

        // A restart with the same file trusts the same key.
        try await withShell(configuration) { shell, _ in
            let result = try await shell.exec(ExecRequest(command: "true"), in: service)
            #expect(result.exitCode == 0)
        }
        // The host now presents another key (here: the file says it had another one): refused, not re-learned.
        let otherKey = try Self.freshHostKey(in: folder)
        try learned.replacingOccurrences(of: String(hostKey), with: otherKey).write(toFile: file, atomically: true, encoding: .utf8)
        await #expect(throws: GatewayError.self) {
            try await withShell(configuration) { shell, _ in
                _ = try await shell.exec(ExecRequest(command: "true"), in: service)
            }
        }
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains(hostKey), "the changed key is not learned")
    }

    /// The base64 blob of a newly generated ed25519 public key.
    static func freshHostKey(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("other_key").path
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", path]
        try keygen.run()
        keygen.waitUntilExit()
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        return String(try #require(line.split(separator: " ").dropFirst().first))
    }
}
