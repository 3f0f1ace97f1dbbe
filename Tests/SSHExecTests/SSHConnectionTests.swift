import Foundation
import GatewayCore
import GatewayTestSupport
import SSHExec
import Testing

@Suite("SSHExec connections, containers and failures")
struct SSHConnectionTests {
    @Test("a killed master connection is replaced without failing the exec")
    func killedMaster() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            #expect(try await shell.exec(ExecRequest(command: "true"), in: service).exitCode == 0)
            let masters = ProcessTable.pids(matching: ["ControlPath=\(shell.controlPath)", "ControlMaster=yes"])
            try #require(masters.count == 1)
            kill(masters[0], SIGKILL)
            #expect(try await ProcessTable.waitUntilGone(["ControlPath=\(shell.controlPath)", "ControlMaster=yes"]))
            let result = try await shell.exec(ExecRequest(command: "echo again"), in: service)
            #expect(result.exitCode == 0)
            #expect(result.out == "again\n")
        }
    }

    @Test("only the service's own container is reached; a gone container is forgotten and found again")
    func containerResolution() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let other = ServiceUUID(trusted: service.rawValue + "x")
            // A container whose name merely contains the uuid is not the service's.
            try peer.makeContainer(named: "vibn-dev-\(other)")
            try peer.removeContainer(service)
            await #expect(throws: GatewayError.self) { try await shell.exec(ExecRequest(command: "true"), in: service) }

            try peer.makeContainer(named: "vibn-dev-\(service)")
            #expect(try await shell.exec(ExecRequest(command: "true"), in: service).exitCode == 0)
            try peer.removeContainer(service)
            let gone = await #expect(throws: GatewayError.self) { try await shell.exec(ExecRequest(command: "true"), in: service) }
            #expect(gone?.code.rawValue == "container_not_found")
            try peer.makeContainer(named: "vibn-dev-\(service)")
            #expect(try await shell.exec(ExecRequest(command: "true"), in: service).exitCode == 0)
        }
    }

    @Test("sshd down: a clear ssh_unreachable error, not a hang")
    func sshdDown() async throws {
        let peer = try SSHTestPeer.require()
        let closedPort = try FreePort.next()
        try await withShell(peer.configuration(port: closedPort)) { shell, _ in
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: GatewayError.self) {
                try await shell.exec(ExecRequest(command: "true"), in: ServiceUUID(trusted: "abc"))
            }
            #expect(error?.code.rawValue == "ssh_unreachable")
            #expect(error?.message.contains("Connection refused") == true)
            // Not a speed check (that is the benchmark's job): a refused connection must fail long before the
            // exec's own 60 s timeout would end a hang, even on a loaded 2-core CI machine.
            #expect(clock.now - started < .seconds(20))
        }
    }

    @Test("host keys are checked: an unknown host key is refused")
    func hostKeyChecked() async throws {
        let peer = try SSHTestPeer.require()
        let wrongKey = "[\(peer.host)]:\(peer.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        try await withShell(peer.configuration(knownHosts: wrongKey)) { shell, _ in
            let error = await #expect(throws: GatewayError.self) {
                try await shell.exec(ExecRequest(command: "true"), in: ServiceUUID(trusted: "abc"))
            }
            #expect(error?.code.rawValue == "ssh_unreachable")
            #expect(error?.message.contains("Host key verification failed") == true)
        }
    }

    @Test("the key lives in a private 0700 directory with mode 0600, removed on close")
    func privateDirectory() async throws {
        let peer = try SSHTestPeer.require()
        let shell = try SSHExec(peer.configuration())
        let directory = (shell.controlPath as NSString).deletingLastPathComponent
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let key = try FileManager.default.attributesOfItem(atPath: directory + "/id")
        #expect((key[.posixPermissions] as? Int) == 0o600)
        await shell.close()
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("concurrent execs share one master")
    func concurrentExecs() async throws {
        try await withShell { shell, peer in
            let (service, _) = try peer.makeContainer()
            let codes = try await withThrowingTaskGroup(of: Int32?.self) { group in
                for index in 0..<8 {
                    group.addTask { try await shell.exec(ExecRequest(command: "exit \(index)"), in: service).exitCode }
                }
                return try await group.reduce(into: [Int32?]()) { $0.append($1) }
            }
            #expect(Set(codes.compactMap { $0 }) == Set(0..<8))
            #expect(ProcessTable.pids(matching: ["ControlPath=\(shell.controlPath)", "ControlMaster=yes"]).count == 1)
        }
    }
}
