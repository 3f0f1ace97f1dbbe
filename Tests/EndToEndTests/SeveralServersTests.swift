import Foundation
import GatewayTestSupport
import Synchronization
import Testing

/// `vibn-gateway serve` with `VIBN_SERVERS_FILE` naming two servers: the Coolify stand-in knows both, and each is
/// its own real sshd on loopback with its own docker stand-in (scripts/test's `start_sshd` and `start_second_sshd`).
@Suite("End to end: several servers")
struct SeveralServersTests {
    static let workspace = "/v1/workspaces/acme/projects"

    @Test("four projects spread 2/2, each command reaches its own server's host, a full fleet answers 503, a draining server gets nothing new after SIGHUP, and a broken list keeps the current one",
          .timeLimit(.minutes(4)))
    func placement() async throws {
        let hosts = [try SSHTestPeer.require(), try SSHTestPeer.requireSecond()]
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-servers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("dynamic"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try await Self.withTwoServers(hosts: hosts, work: work, capacities: [2, 2]) { coolify, uuids, list in
            let token = "servers-" + UUID().uuidString
            let image = "vibn-dev-servers-\(UUID().uuidString.prefix(8).lowercased()):latest"
            let environment = Self.environment(token: token, coolify: coolify, list: list, hosts: hosts, work: work).merging([
                "VIBN_DEV_IMAGE": image, "VIBN_SQLITE_PATH": work.appendingPathComponent("gateway.sqlite").path,
            ]) { $1 }
            _ = try await GatewayProcess.with(environment: environment, directory: work, port: try FreePort.next()) { gateway in
                let client = GatewayClient(origin: gateway.origin, token: token)
                // Four projects: ties go to the first listed server, then to the one with more room.
                var placed: [String: (server: String, service: String)] = [:]
                for project in ["p1", "p2", "p3", "p4"] {
                    let created = try await client.send("PUT", "\(Self.workspace)/\(project)/container", json: #"{"slug":"\#(project)"}"#)
                    #expect(created.status == 201, "\(created.text)")
                    let service = try #require(try created.json()["serviceUuid"] as? String)
                    await coolify.setStatus(service, "running:healthy")
                    let status = try await client.send("GET", "\(Self.workspace)/\(project)/container").json()
                    placed[project] = (try #require(status["server"] as? String, "\(status)"), service)
                    #expect(await coolify.server(of: service) == uuids[placed[project]!.server == "host-a" ? 0 : 1])
                }
                #expect(placed.mapValues(\.server) == ["p1": "host-a", "p2": "host-b", "p3": "host-a", "p4": "host-b"])

                // Each command runs on its container's host: the file lands in that host's docker stand-in only.
                for (project, placement) in placed {
                    try await eventually("\(project) runs", within: .seconds(60)) {
                        (try? await client.send("GET", "\(Self.workspace)/\(project)/container").json())?["state"] as? String == "running"
                    }
                    let body = #"{"command":"echo \#(project) > marker && cat marker","timeoutMs":30000}"#
                    let ran = try await client.send("POST", "\(Self.workspace)/\(project)/exec", json: body)
                    let stdout = try ran.json()["stdout"] as? String
                    #expect(ran.status == 200 && stdout == "\(project)\n", "\(ran.text)")
                    let own = hosts[placement.server == "host-a" ? 0 : 1], other = hosts[placement.server == "host-a" ? 1 : 0]
                    #expect(FileManager.default.fileExists(atPath: "\(own.dockerRoot)/vibn-dev-\(placement.service)/workspace/marker"))
                    #expect(!FileManager.default.fileExists(atPath: "\(other.dockerRoot)/vibn-dev-\(placement.service)"))
                }

                // The doctor checks each server's Coolify record and SSH host: the dev image is only on host-a.
                let images = URL(fileURLWithPath: hosts[0].dockerRoot).appendingPathComponent(".images")
                try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
                try "true".write(to: images.appendingPathComponent(image), atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: images.appendingPathComponent(image)) }
                let doctor = try await OperatorCommandTests.command(["doctor"], environment, work, expectSuccess: false)
                for line in ["✓ coolify.api", "✓ coolify[host-a].server", "✓ coolify[host-b].server", "✓ ssh[host-a]:", "✓ ssh[host-b]:",
                             "✓ ssh[host-a].image", "✗ ssh[host-b].image", "1 check failed"] {
                    #expect(doctor.output.contains(line), "\(line)\n\(doctor.output)")
                }

                // Both servers are full: the fifth project is refused and nothing of it is kept.
                let refused = try await client.send("PUT", "\(Self.workspace)/p5/container", json: #"{"slug":"p5"}"#)
                #expect(refused.status == 503 && refused.text.contains("capacity_exhausted"), "\(refused.text)")
                #expect((try await client.send("GET", "\(Self.workspace)/p5/container").json())["exists"] as? Bool == false)

                // host-b drains and gets room, host-a gets one more place: after SIGHUP the fifth goes to host-a.
                try Self.serverList(hosts: hosts, uuids: uuids, capacities: [3, 10], drainingB: true).write(to: list, atomically: true, encoding: .utf8)
                kill(gateway.pid, SIGHUP)
                try await eventually("the re-read list places p5", within: .seconds(30)) {
                    let answer = try? await client.send("PUT", "\(Self.workspace)/p5/container", json: #"{"slug":"p5"}"#)
                    return answer?.status == 201
                }
                let fifth = try await client.send("GET", "\(Self.workspace)/p5/container").json()
                #expect(fifth["server"] as? String == "host-a", "\(fifth)")

                // A list that cannot be used is logged and the current one stays.
                try "servers: [{name: Host A}]\n".write(to: list, atomically: true, encoding: .utf8)
                kill(gateway.pid, SIGHUP)
                try await eventually("the broken list is reported", within: .seconds(30)) {
                    await gateway.log.contains("the server list was not re-read")
                }
                let sixth = try await client.send("PUT", "\(Self.workspace)/p6/container", json: #"{"slug":"p6"}"#)
                #expect(sixth.status == 503 && sixth.text.contains("capacity_exhausted"), "\(sixth.text)")
            }
        }
    }

    @Test("serve refuses a server list it cannot use, naming the file, the server and the field")
    func refusedLists() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-servers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let list = work.appendingPathComponent("servers.yml")
        let ssh = "ssh: {host: 127.0.0.1, knownHosts: \"[127.0.0.1]:22 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA\"}"
        let cases: [(list: String, extra: [String: String], message: String)] = [
            ("servers: []", [:], "lists no server"),
            ("servers: [{name: Host_A, coolifyServerUuid: abc, capacity: 1}]", [:], "servers[0] (Host_A).name must be a lower-case DNS label"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: 1}, {name: a, coolifyServerUuid: abd, capacity: 1}]", [:], "servers[1] (a).name is listed twice"),
            ("servers: [{name: a, coolifyServerUuid: 'x;rm', capacity: 1}]", [:], "servers[0] (a).coolifyServerUuid must be a Coolify uuid"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: 0}]", [:], "servers[0] (a).capacity must be 1-100000"),
            ("servers: [{name: a, coolifyServerUuid: abc}]", [:], "servers[0].capacity is missing"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: many}]", [:], "servers[0].capacity must be a number"),
            // A syntax error names the line, never quotes it (it may hold a private key).
            ("servers:\n  - name: a\n    ssh: {host: h, privateKeyB64: \"c2VjcmV0LWtleS1ieXRlcw==\"\n    capacity: 1\n", [:], "at line"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: 1, \(ssh)}]", [:], "servers[0] (a).ssh.privateKeyB64 (or COOLIFY_SSH_PRIVATE_KEY_B64) must hold"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: 1, ssh: {host: '-oProxyCommand=x'}}]", ["COOLIFY_SSH_PRIVATE_KEY_B64": "a2V5"], "servers[0] (a).ssh.host must be a host name"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: 1}]", ["COOLIFY_SSH_HOST": "127.0.0.1"], "COOLIFY_SSH_HOST is set beside VIBN_SERVERS_FILE"),
            ("servers: [{name: a, coolifyServerUuid: abc, capacity: 1}]", ["COOLIFY_SERVER_UUID": "abc"], "COOLIFY_SERVER_UUID or COOLIFY_DESTINATION_UUID is set beside VIBN_SERVERS_FILE"),
        ]
        for refused in cases {
            try refused.list.write(to: list, atomically: true, encoding: .utf8)
            let environment = ["VIBN_SERVERS_FILE": list.path, "VIBN_SQLITE_PATH": work.appendingPathComponent("gateway.sqlite").path]
            let result = try await OperatorCommandTests.command(["serve"], environment.merging(refused.extra) { $1 }, work, expectSuccess: false)
            #expect(result.error.contains(refused.message), "\(refused.list)\n\(result.error)")
            #expect(!result.error.contains("c2VjcmV0LWtleS1ieXRlcw"), "the key never shows")
        }
        let missing = try await OperatorCommandTests.command(
            ["serve"], ["VIBN_SERVERS_FILE": work.appendingPathComponent("absent.yml").path], work, expectSuccess: false
        )
        #expect(missing.error.contains("absent.yml cannot be read"), "\(missing.error)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("gateway.sqlite").path), "nothing was opened")
    }

    /// Runs `body` with a Coolify stand-in that knows two servers (their uuids), whose services' containers appear on
    /// the docker stand-in of the host each was created on, and the server list `servers.yml` in `work`.
    static func withTwoServers(
        hosts: [SSHTestPeer], work: URL, capacities: [Int], _ body: @Sendable (CoolifyStandIn, [String], URL) async throws -> Void
    ) async throws {
        let router = HostRouter(hosts: hosts)
        try await CoolifyStandIn.withRunning(onServiceChange: router.handler) { coolify in
            let uuids = [coolify.serverUUID, await coolify.addServer()]
            router.use(coolify, serverUUIDs: uuids)
            let list = work.appendingPathComponent("servers.yml")
            try Self.serverList(hosts: hosts, uuids: uuids, capacities: capacities).write(to: list, atomically: true, encoding: .utf8)
            try await body(coolify, uuids, list)
        }
    }

    /// The settings of a gateway on the two servers of `list`.
    static func environment(token: String, coolify: CoolifyStandIn, list: URL, hosts: [SSHTestPeer], work: URL) -> [String: String] {
        [
            "GATEWAY_API_TOKEN": token, "COOLIFY_API_URL": coolify.url.absoluteString, "COOLIFY_API_TOKEN": coolify.token,
            "VIBN_SERVERS_FILE": list.path, "VIBN_DEV_QUOTA_PER_WORKSPACE": "10",
            "COOLIFY_SSH_PRIVATE_KEY_B64": Data(hosts[0].privateKey).base64EncodedString(),
            "TRAEFIK_DYNAMIC_DIR": work.appendingPathComponent("dynamic").path, "LOG_LEVEL": "notice",
        ]
    }

    /// The servers file: host-a and host-b on the two sshd hosts.
    static func serverList(hosts: [SSHTestPeer], uuids: [String], capacities: [Int], drainingB: Bool = false) -> String {
        func quoted(_ text: String) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
        }
        let entries = zip(["host-a", "host-b"].indices, ["host-a", "host-b"]).map { index, name in
            """
              - name: \(name)
                coolifyServerUuid: \(uuids[index])
                ssh: {host: \(hosts[index].host), port: \(hosts[index].port), user: \(hosts[index].user), knownHosts: \(quoted(hosts[index].knownHosts))}
                capacity: \(capacities[index])
                draining: \(index == 1 && drainingB)
            """
        }
        return "servers:\n" + entries.joined(separator: "\n") + "\n"
    }
}

/// Sends each Coolify service change to the docker stand-in of the host its service was created on.
final class HostRouter: Sendable {
    private let containers: [StandInContainers]
    private let state = Mutex<(coolify: CoolifyStandIn?, serverUUIDs: [String])>((nil, []))

    init(hosts: [SSHTestPeer]) {
        self.containers = hosts.map { StandInContainers(peer: $0) }
    }

    func use(_ coolify: CoolifyStandIn, serverUUIDs: [String]) {
        self.state.withLock { $0 = (coolify, serverUUIDs) }
    }

    var handler: CoolifyStandIn.ServiceChangeHandler {
        { uuid, change in
            let (coolify, servers) = self.state.withLock { ($0.coolify, $0.serverUUIDs) }
            // A deleted service is gone from Coolify: it is removed from every host.
            guard let server = await coolify?.server(of: uuid), let index = servers.firstIndex(of: server) else {
                for host in self.containers { try await host.apply(change, to: uuid) }
                return
            }
            try await self.containers[index].apply(change, to: uuid)
        }
    }
}
