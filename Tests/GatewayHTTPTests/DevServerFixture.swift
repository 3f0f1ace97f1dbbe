#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SSHExec
import Testing

/// ``ExecFixture`` (project `proj_1` of `acme`, slug `app`, a stand-in container on the real sshd) with the
/// dev-server helpers: requests, polling, and the processes the tests leave behind.
struct DevServerFixture {
    /// A dev server that answers HTTP on its port at once.
    static let httpServer = "python3 -u -m http.server $PORT --bind 0.0.0.0"

    let exec: ExecFixture
    var store: any GatewayStore { self.exec.app.store }
    var project: ProjectID { self.exec.project }
    /// The container's log directory on its cache volume (`/home/vibn/.cache/vibn-dev/logs`), as seen on this machine.
    var logDirectory: URL { self.exec.workspace.deletingLastPathComponent().appendingPathComponent("cache/vibn-dev/logs") }

    static func make(state: ContainerState = .running) async throws -> DevServerFixture {
        DevServerFixture(exec: try await ExecFixture.make(state: state))
    }

    /// Runs `body` against the app on a gateway with a fresh SSHExec (its dev-server supervisor runs beside it, giving
    /// servers `readinessLimit` to answer), then closes the shell.
    func test(
        readinessLimit: Duration = .seconds(300),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await self.testObserved(readinessLimit: readinessLimit) { client, _ in try await body(client) }
    }

    /// ``test(readinessLimit:_:)`` that also hands `body` the gateway's observed changes, as `serve` wires them:
    /// a resume made through them restarts dev servers.
    func testObserved(
        readinessLimit: Duration = .seconds(30),
        _ body: @escaping @Sendable (any TestClientProtocol, any StateChanges) async throws -> Void
    ) async throws {
        let shell = try SSHExec(self.exec.peer.configuration())
        var settings = GatewaySettings.testing()
        settings.devServerReadinessLimit = readinessLimit
        let gateway = self.exec.app.gateway(shell: shell, settings: settings)
        var failure: (any Error)?
        do {
            try await self.exec.app.test(gateway: gateway) { client in try await body(client, gateway.changes) }
        } catch {
            failure = error
        }
        await shell.close()
        if let failure { throw failure }
    }

    /// Starts ``httpServer`` on `port`, requires it to become `running`, runs `body` with its row, and kills its
    /// process group afterwards, whatever happens.
    func withRunningServer<T>(
        _ client: any TestClientProtocol, port: Int, _ body: (DevServerRecord) async throws -> T
    ) async throws -> T {
        let id = try await client.startDevServer(command: Self.httpServer, port: port)
        defer { Self.killGroups(of: [id]) }
        let record = try await self.waitFor(id) { $0.state != .starting }
        try #require(record.state == .running)
        return try await body(record)
    }

    /// Kills (as this test's user, which may) the process groups of the given dev servers.
    static func killGroups(of ids: [DevServerID]) {
        for id in ids {
            for pid in ProcessTable.pids(matching: ["VIBN_DEV_SERVER_ID=\(id)"]) {
                _ = kill(-pid, SIGKILL)
            }
        }
    }

    /// Whether a process `pid` runs (and is not a zombie: it has a command line).
    static func isRunning(_ pid: Int) -> Bool {
        !(FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()).isEmpty
    }

    // MARK: - Polling

    /// Polls the store until the server satisfies `done`, or `limit` passes.
    func waitFor(
        _ id: DevServerID, limit: Duration = .seconds(30), _ done: (DevServerRecord) -> Bool
    ) async throws -> DevServerRecord {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            let record = try #require(try await self.store.devServer(id, project: self.project))
            if done(record) || clock.now >= deadline { return record }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

extension TestClientProtocol {
    /// `method` on the dev-servers collection of `projectPath` plus `suffix`, with an optional JSON body.
    func devServers<Return>(
        _ method: HTTPRequest.Method,
        _ suffix: String = "",
        json: String? = nil,
        projectPath: String = ExecFixture.projectPath,
        _ check: @escaping (TestResponse) async throws -> Return
    ) async throws -> Return {
        var headers = TestApp.authorized
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: projectPath + "/dev-servers" + suffix, method: method, headers: headers,
                                      body: json.map { ByteBuffer(string: $0) }, testCallback: check)
    }

    /// Starts a dev server and returns its id; the reply must be 201 `starting`.
    func startDevServer(command: String, port: Int) async throws -> DevServerID {
        let body = try String(decoding: JSONSerialization.data(withJSONObject: ["command": command, "port": port]), as: UTF8.self)
        return try await self.devServers(.post, json: body) { response throws in
            #expect(response.status == .created)
            let json = try response.json()
            #expect(json["state"] as? String == "starting")
            return try DevServerID(validating: json["id"] as? String ?? "")
        }
    }
}

// MARK: - Ports

extension DevServerFixture {
    /// Polls until something accepts TCP connections on 127.0.0.1:`port`, or `limit` passes.
    func waitUntilListening(_ port: Int, limit: Duration = .seconds(10)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !HeldPort.accepts(port) {
            guard clock.now < deadline else { throw HeldPort.Failed(port: port) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// A TCP port on 0.0.0.0 held open by this test process (a listener the container's user cannot stop).
struct HeldPort {
    struct Failed: Error, CustomStringConvertible {
        let port: Int
        var description: String { "port \(self.port) could not be bound or reached" }
    }

    let descriptor: Int32

    init(port: Int) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(port: port, host: INADDR_ANY)
        var yes: Int32 = 1
        setsockopt(self.descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard self.descriptor >= 0, bound, listen(self.descriptor, 16) == 0 else {
            Glibc.close(self.descriptor)
            throw Failed(port: port)
        }
    }

    func close() { Glibc.close(self.descriptor) }

    /// Whether a connection to 127.0.0.1:`port` succeeds.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = Self.address(port: port, host: inet_addr("127.0.0.1"))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func address(port: Int, host: in_addr_t) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = host
        return address
    }
}
