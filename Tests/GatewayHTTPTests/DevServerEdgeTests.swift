import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import GatewayCore

/// The dev-server routes' refusals and port hygiene: bad input changes nothing, a busy port is freed or refused,
/// stale rows are reaped, and a pid that is not ours is never signalled.
@Suite("Dev servers: validation, tenants, busy ports, stale rows, foreign pids")
struct DevServerEdgeTests {
    static let httpServer = DevServerFixture.httpServer

    @Test("a port outside 3000-3009 is 422 port_out_of_range, a non-integer one 400, and nothing runs", arguments: [
        (#"{"command":"touch /workspace/ran","port":2999}"#, 422, "port_out_of_range"),
        (#"{"command":"touch /workspace/ran","port":3010}"#, 422, "port_out_of_range"),
        (#"{"command":"touch /workspace/ran","port":"3000"}"#, 400, "invalid_port"),
        (#"{"command":"touch /workspace/ran"}"#, 400, "invalid_port"),
        (#"{"command":"","port":3000}"#, 400, "invalid_command"),
        (#"{"command":"touch /workspace/ran","port":3000,"name":""}"#, 400, "invalid_name"),
    ])
    func badStart(body: String, status: Int, code: String) async throws {
        let fixture = try await DevServerFixture.make()
        try await fixture.test { client in
            try await client.devServers(.post, json: body) { response throws in
                #expect(response.status.code == status)
                #expect(try response.errorBody().error.code == code)
            }
            #expect(try await fixture.store.devServers(project: fixture.project).isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.exec.workspace.appendingPathComponent("ran").path))
    }

    @Test("a bad id is 400 invalid_id before anything is looked up; an unknown one 404 dev_server_not_found")
    func ids() async throws {
        let fixture = try await DevServerFixture.make()
        try await fixture.test { client in
            for suffix in ["/ds_ZZZ", "/..%2F..%2Fetc%2Fpasswd/logs", "/ds_0123456789ab%2F..%2Fx/logs"] {
                try await client.devServers(.delete, suffix, projectPath: "/v1/workspaces/acme/projects/proj_none") { response throws in
                    #expect(response.status == .badRequest || response.status == .methodNotAllowed)
                }
            }
            try await client.devServers(.get, "/ds_ZZZ/logs", projectPath: "/v1/workspaces/acme/projects/proj_none") { response throws in
                #expect(response.status == .badRequest)
                #expect(try response.errorBody().error.code == "invalid_id")
            }
            try await client.devServers(.delete, "/ds_ZZZ") { response throws in
                #expect(try response.errorBody().error.code == "invalid_id")
            }
            try await client.devServers(.delete, "/ds_0123456789ab") { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "dev_server_not_found")
            }
            try await client.devServers(.get, "/ds_0123456789ab/logs") { response throws in
                #expect(try response.errorBody().error.code == "dev_server_not_found")
            }
            for lines in ["0", "5001", "x"] {
                try await client.devServers(.get, "/ds_0123456789ab/logs?lines=\(lines)") { response throws in
                    #expect(response.status == .badRequest)
                    #expect(try response.errorBody().error.code == "invalid_lines")
                }
            }
        }
    }

    @Test("another workspace's project is 404 and runs nothing; a project without a container is 404 no_container")
    func tenants() async throws {
        let fixture = try await DevServerFixture.make()
        try await fixture.test { client in
            let body = #"{"command":"touch /workspace/ran","port":3000}"#
            try await client.devServers(.post, json: body, projectPath: "/v1/workspaces/other/projects/proj_1") { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "project_not_found")
            }
            try await client.devServers(.get, projectPath: "/v1/workspaces/other/projects/proj_1") { response throws in
                #expect(try response.errorBody().error.code == "project_not_found")
            }
            try await client.devServers(.post, json: body, projectPath: "/v1/workspaces/acme/projects/proj_none") { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "no_container")
            }
            #expect(try await fixture.store.devServers(project: fixture.project).isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.exec.workspace.appendingPathComponent("ran").path))
        #expect(!FileManager.default.fileExists(atPath: fixture.logDirectory.path))
    }

    @Test("without SSH configured: 503 ssh_not_configured")
    func notConfigured() async throws {
        try await TestApp.make().test { client in
            try await client.devServers(.post, json: #"{"command":"true","port":3000}"#) { response throws in
                #expect(response.status == .serviceUnavailable)
                #expect(try response.errorBody().error.code == "ssh_not_configured")
            }
        }
    }

    @Test("a port held by a live tracked server is 409 port_busy, and that server keeps running")
    func busyTracked() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.test { client in
                try await fixture.withRunningServer(client, port: 3007) { first in
                    try await client.devServers(.post, json: #"{"command":"python3 -m http.server 3007","port":3007}"#) { response throws in
                        #expect(response.status == .conflict)
                        let error = try response.errorBody().error
                        #expect(error.code == "port_busy")
                        #expect(error.message.contains(first.id.rawValue))
                    }
                    #expect(try await fixture.store.devServer(first.id, project: fixture.project) == first)
                    #expect(DevServerFixture.isRunning(try #require(first.pid)))
                    #expect(try await fixture.store.devServers(project: fixture.project).count == 1)
                }
            }
        }
    }

    @Test("an untracked listener is stopped and the server starts; one that cannot be stopped is 409 port_busy")
    func untrackedListeners() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.test { client in
                // Left behind by an earlier manual run inside the container: stopped.
                let leftover = try await client.exec(
                    #"{"command":"setsid python3 -m http.server 3008 --bind 0.0.0.0 >/dev/null 2>&1 </dev/null & echo $!"}"#
                ) { response throws in Int((try response.json()["stdout"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) }
                let leftoverPID = try #require(leftover)
                defer { _ = kill(Int32(leftoverPID), SIGKILL) }
                try await fixture.waitUntilListening(3008)
                let id = try await client.startDevServer(command: Self.httpServer, port: 3008)
                defer { DevServerFixture.killGroups(of: [id]) }
                #expect(!DevServerFixture.isRunning(leftoverPID))
                #expect(try await fixture.waitFor(id) { $0.state != .starting }.state == .running)

                // A listener the container's user cannot signal (it belongs to this test's user).
                let stubborn = try HeldPort(port: 3009)
                defer { stubborn.close() }
                try await client.devServers(.post, json: #"{"command":"touch /workspace/ran","port":3009}"#) { response throws in
                    #expect(response.status == .conflict)
                    #expect(try response.errorBody().error.code == "port_busy")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: fixture.exec.workspace.appendingPathComponent("ran").path))
        }
    }

    @Test("a stale row on the port is reaped, and the pid it claims is not signalled when it is not ours")
    func staleAndForeign() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.test { client in
                // A process of the container's user without our marker: what a recycled pid looks like.
                let foreign = try await client.exec(#"{"command":"setsid sleep 120 >/dev/null 2>&1 </dev/null & echo $!"}"#) { response throws in
                    Int((try response.json()["stdout"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
                }
                let foreignPID = try #require(foreign)
                defer { _ = kill(Int32(foreignPID), SIGKILL) }
                let stale = DevServerRecord(
                    id: .random(), projectID: fixture.project, workspace: WorkspaceSlug(trusted: "acme"), name: "old",
                    command: "npm run dev", port: try PreviewPort(validating: 3006), pid: foreignPID,
                    previewURL: "https://x.test", state: .running, startedAt: Date(), stoppedAt: nil
                )
                var other = stale
                other.id = .random()
                other.port = try PreviewPort(validating: 3005)
                try await fixture.store.insertDevServer(stale)
                try await fixture.store.insertDevServer(other)

                let id = try await client.startDevServer(command: Self.httpServer, port: 3006)
                defer { DevServerFixture.killGroups(of: [id]) }
                #expect(try await fixture.store.devServer(stale.id, project: fixture.project)?.state == .stopped)
                #expect(DevServerFixture.isRunning(foreignPID))

                try await client.devServers(.delete, "/\(other.id)") { response in #expect(response.status == .noContent) }
                #expect(try await fixture.store.devServer(other.id, project: fixture.project)?.state == .stopped)
                #expect(DevServerFixture.isRunning(foreignPID))
            }
        }
    }

    @Test("the all-interfaces environment is exported and next dev gets -H 0.0.0.0 unless it has a host")
    func listeningOnAllInterfaces() {
        let prefix = "export HOST=0.0.0.0 HOSTNAME=0.0.0.0 VITE_DEV_SERVER_HOST=0.0.0.0 WEBPACK_DEV_SERVER_HOST=0.0.0.0; "
        #expect(DevServerScript.listeningOnAllInterfaces("  npx next dev -p 3000 ") == prefix + "npx next dev -H 0.0.0.0 -p 3000")
        #expect(DevServerScript.listeningOnAllInterfaces("next dev --hostname 127.0.0.1") == prefix + "next dev --hostname 127.0.0.1")
        #expect(DevServerScript.listeningOnAllInterfaces("vite --port 3001") == prefix + "vite --port 3001")
    }
}
