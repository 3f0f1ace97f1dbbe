import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The dev-server routes' life cycle, through SSHExec, the real sshd and the docker stand-in, with the
/// supervisor probing from the gateway. Tests that bind ports 3000–3009 hold ``PreviewPortLock``.
@Suite("Dev servers: start, readiness, logs, stop")
struct DevServerRouteTests {
    static let httpServer = DevServerFixture.httpServer

    @Test("a server starts, becomes running, logs, and stops with its whole process group")
    func lifecycle() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.test { client in
                let body = #"{"command":"python3 -u -m http.server $PORT --bind 0.0.0.0","port":3001,"name":"site"}"#
                let id = try await client.devServers(.post, json: body) { response throws in
                    #expect(response.status == .created)
                    let json = try response.json()
                    #expect(json["state"] as? String == "starting")
                    #expect(json["name"] as? String == "site")
                    #expect(json["port"] as? Int == 3001)
                    #expect(json["pid"] is Int)
                    #expect((json["previewUrl"] as? String)?.hasPrefix("https://p1-app-") == true)
                    #expect(json["startedAt"] is String)
                    #expect(json["failureReason"] == nil && json["stoppedAt"] == nil)
                    return try DevServerID(validating: json["id"] as? String ?? "")
                }
                defer { DevServerFixture.killGroups(of: [id]) }
                let running = try await fixture.waitFor(id) { $0.state != .starting }
                #expect(running.state == .running)
                let pid = try #require(running.pid)
                #expect(!ProcessTable.pids(matching: ["VIBN_DEV_SERVER_ID=\(id)"]).isEmpty)

                try await client.devServers(.get, "/\(id)/logs?lines=50") { response throws in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                    #expect(String(buffer: response.body).contains("Serving HTTP on 0.0.0.0 port 3001"))
                }
                try await client.devServers(.get) { response throws in
                    let servers = try response.json()["devServers"] as? [[String: Any]] ?? []
                    #expect(servers.map { $0["id"] as? String } == [id.rawValue])
                    #expect(servers.first?["state"] as? String == "running")
                }

                try await client.devServers(.delete, "/\(id)") { response in #expect(response.status == .noContent) }
                #expect(!DevServerFixture.isRunning(pid))
                #expect(try await ProcessTable.waitUntilGone(["http.server", "3001"]))
                let stopped = try #require(try await fixture.store.devServer(id, project: fixture.project))
                #expect(stopped.state == .stopped && stopped.stoppedAt != nil)
                try await client.devServers(.get) { response throws in
                    #expect((try response.json()["devServers"] as? [Any])?.isEmpty == true)
                }
                // A stopped server is gone from the API: its log is not served any more.
                try await client.devServers(.get, "/\(id)/logs") { response throws in
                    #expect(response.status == .notFound)
                    #expect((try response.json()["error"] as? [String: Any])?["code"] as? String == "dev_server_not_found")
                }
                // Stopping again changes nothing.
                try await client.devServers(.delete, "/\(id)") { response in #expect(response.status == .noContent) }
            }
        }
    }

    @Test("a command that exits at once fails with its log tail as the reason")
    func exitsAtOnce() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.test { client in
                let id = try await client.startDevServer(command: "echo boom-output-$PORT; echo on-stderr >&2; exit 3", port: 3002)
                let failed = try await fixture.waitFor(id) { $0.state != .starting }
                #expect(failed.state == .failed)
                let reason = try #require(failed.failureReason)
                #expect(reason.contains("boom-output-3002") && reason.contains("on-stderr"))
                try await client.devServers(.get) { response throws in
                    let servers = try response.json()["devServers"] as? [[String: Any]] ?? []
                    #expect(servers.first?["failureReason"] as? String == reason)
                }
            }
        }
    }

    @Test("a server that never answers is failed and stopped at the readiness deadline")
    func readinessDeadline() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.test(readinessLimit: .seconds(2)) { client in
                let id = try await client.startDevServer(command: "echo waiting-forever; exec sleep 300", port: 3003)
                defer { DevServerFixture.killGroups(of: [id]) }
                let failed = try await fixture.waitFor(id) { $0.state != .starting }
                #expect(failed.state == .failed)
                #expect(failed.failureReason?.contains("did not answer on port 3003") == true)
                #expect(failed.failureReason?.contains("waiting-forever") == true)
                #expect(try await ProcessTable.waitUntilGone(["VIBN_DEV_SERVER_ID=\(id)"]))
            }
        }
    }

    @Test("the list shows frontend servers first, then by port, and leaves stopped ones out")
    func frontendFirst() async throws {
        let fixture = try await DevServerFixture.make()
        func row(_ port: Int, _ command: String, _ state: DevServerState = .running) throws -> DevServerRecord {
            DevServerRecord(
                id: .random(), projectID: fixture.project, workspace: WorkspaceSlug(trusted: "acme"), name: "port-\(port)",
                command: command, port: try PreviewPort(validating: port), pid: nil, previewURL: "https://x.test",
                state: state, startedAt: Date(), stoppedAt: nil
            )
        }
        let rows = [
            try row(3000, "node api/server.js"), try row(3001, "npm run dev -- vite --port 3001"),
            try row(3002, "next dev -p 3002"), try row(3003, "uvicorn main:app"), try row(3004, "vite", .stopped),
        ]
        for record in rows { try await fixture.store.insertDevServer(record) }
        try await fixture.test { client in
            try await client.devServers(.get) { response throws in
                #expect(response.status == .ok)
                let ids = (try response.json()["devServers"] as? [[String: Any]] ?? []).map { $0["id"] as? String }
                #expect(ids == [rows[1], rows[2], rows[0], rows[3]].map(\.id.rawValue))
            }
        }
    }
}
