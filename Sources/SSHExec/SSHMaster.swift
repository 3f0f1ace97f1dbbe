#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GatewayCore

/// The one multiplexed master connection to the host: checked before every command (a connect to its
/// control socket, microseconds) and started, or replaced when it died, by one caller while others wait.
actor SSHMaster {
    private let client: SSHClient
    private var starting: Task<Void, any Error>?

    init(client: SSHClient) {
        self.client = client
    }

    /// Returns once a live master accepts sessions on the control socket.
    /// - Throws: ``GatewayError`` `ssh_unreachable` when the host cannot be reached or refuses the key.
    func ensureRunning() async throws {
        if ControlSocket.isAccepting(self.client.directory.controlPath) { return }
        if let starting = self.starting { return try await starting.value }
        let client = self.client
        let task = Task { try await Self.start(client) }
        self.starting = task
        defer { self.starting = nil }
        try await task.value
    }

    /// Asks the master to exit (used when the gateway stops).
    func stop() async {
        _ = try? await self.client.run(self.client.exitArguments, stdin: nil, maxBytes: 4096, limit: .seconds(5))
    }

    private static func start(_ client: SSHClient) async throws {
        // A killed master leaves its socket behind; `ssh -M` would then run without multiplexing.
        unlink(client.directory.controlPath)
        let limit = client.configuration.connectTimeout + .seconds(10)
        let outcome = try await client.run(client.masterArguments, stdin: nil, maxBytes: 16 * 1024, limit: limit)
        guard outcome.status == 0 else {
            throw SSHExecError.unreachable(client.configuration, detail: outcome.deadlineHit
                ? "no answer within \(limit)"
                : SSHExecError.lastLine(outcome.stderr.bytes))
        }
    }
}

/// Probes a Unix socket without speaking to it.
enum ControlSocket {
    /// Whether a process accepts connections on the socket at `path` (false for a missing or stale socket).
    static func isAccepting(_ path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
