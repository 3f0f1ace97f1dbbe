import Foundation
import GatewayCore
import SSHExec

/// The real OpenSSH server that `scripts/test` starts (scripts/lib/sshd.sh), with its `docker` stand-in.
///
/// A stand-in container is a directory `<dockerRoot>/vibn-dev-<uuid>/workspace`, mounted at `/workspace`
/// for the commands run in it.
public struct SSHTestPeer: Sendable {
    public let host: String
    public let port: Int
    public let user: String
    public let privateKey: [UInt8]
    public let knownHosts: String
    public let dockerRoot: String

    /// The peer's settings from the environment; fails loudly when scripts/test did not start it.
    public static func require() throws -> SSHTestPeer {
        let peer = "the OpenSSH server (scripts/lib/sshd.sh)"
        let key = try TestEnvironment.require("VIBN_TEST_SSH_KEY_B64", for: peer)
        return SSHTestPeer(
            host: try TestEnvironment.require("VIBN_TEST_SSH_HOST", for: peer),
            port: Int(try TestEnvironment.require("VIBN_TEST_SSH_PORT", for: peer)) ?? 0,
            user: try TestEnvironment.require("VIBN_TEST_SSH_USER", for: peer),
            privateKey: Array(Data(base64Encoded: key) ?? Data()),
            knownHosts: try TestEnvironment.require("VIBN_TEST_SSH_KNOWN_HOSTS", for: peer),
            dockerRoot: try TestEnvironment.require("VIBN_TEST_DOCKER_ROOT", for: peer)
        )
    }

    /// The second host scripts/test starts (`start_second_sshd`): its own port, host key and containers, the same
    /// user and client key; fails loudly when it was not started.
    public static func requireSecond() throws -> SSHTestPeer {
        let first = try Self.require()
        let peer = "the second OpenSSH server (scripts/lib/sshd.sh start_second_sshd)"
        return SSHTestPeer(
            host: first.host,
            port: Int(try TestEnvironment.require("VIBN_TEST_SSH2_PORT", for: peer)) ?? 0,
            user: first.user,
            privateKey: first.privateKey,
            knownHosts: try TestEnvironment.require("VIBN_TEST_SSH2_KNOWN_HOSTS", for: peer),
            dockerRoot: try TestEnvironment.require("VIBN_TEST_DOCKER_ROOT2", for: peer)
        )
    }

    /// A configuration for this server; `port` and `knownHosts` may be overridden to test failures.
    public func configuration(port: Int? = nil, knownHosts: String? = nil) -> SSHConfiguration {
        SSHConfiguration(
            host: self.host, port: port ?? self.port, user: self.user, privateKey: self.privateKey,
            knownHosts: knownHosts ?? self.knownHosts, connectTimeout: .seconds(2), controlPersist: .seconds(60)
        )
    }

    // MARK: - Stand-in containers

    /// A fresh service uuid with a running stand-in container; returns the uuid and its workspace directory.
    public func makeContainer() throws -> (service: ServiceUUID, workspace: URL) {
        let service = ServiceUUID(trusted: "t" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20))
        return (service, try self.makeContainer(named: "vibn-dev-\(service)"))
    }

    /// Creates a stand-in container called `name`, owned by the test user; returns its workspace directory.
    @discardableResult
    public func makeContainer(named name: String) throws -> URL {
        let container = URL(fileURLWithPath: self.dockerRoot).appendingPathComponent(name)
        let workspace = container.appendingPathComponent("workspace")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        for url in [container, workspace] {
            try FileManager.default.setAttributes([.ownerAccountName: self.user], ofItemAtPath: url.path)
        }
        return workspace
    }

    /// Stops (removes) the stand-in container of `service`.
    public func removeContainer(_ service: ServiceUUID) throws {
        let container = URL(fileURLWithPath: self.dockerRoot).appendingPathComponent("vibn-dev-\(service)")
        try FileManager.default.removeItem(at: container)
    }
}

// MARK: - Processes

/// The machine's process table, read from `/proc` (the stand-in runs remote commands on this machine).
public enum ProcessTable {
    /// The pids whose command line contains every one of `fragments`.
    public static func pids(matching fragments: [String]) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return fragments.allSatisfy(commandLine.contains) ? pid : nil
        }
    }

    /// Polls until no process matches `fragments`, or `limit` passes.
    /// - Returns: Whether they were all gone in time.
    public static func waitUntilGone(_ fragments: [String], limit: Duration = .seconds(5)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if self.pids(matching: fragments).isEmpty { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return self.pids(matching: fragments).isEmpty
    }
}
