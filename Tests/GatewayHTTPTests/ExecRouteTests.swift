import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@Suite("POST …/exec through SSHExec and a real sshd")
struct ExecRouteTests {
    @Test("runs the command and promotes a provisioning container to running")
    func runs() async throws {
        let fixture = try await ExecFixture.make(state: .provisioning)
        try await fixture.test { client in
            try await client.exec(#"{"command":"echo \"$FOO\"; echo err >&2; exit 2","env":{"FOO":"x y"}}"#) { response throws in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["exitCode"] as? Int == 2)
                #expect(json["stdout"] as? String == "x y\n")
                #expect(json["stderr"] as? String == "err\n")
                #expect(json["truncated"] as? Bool == false)
                #expect(json["timedOut"] as? Bool == false)
                #expect(json["durationMs"] is Int)
            }
            #expect(try await fixture.app.store.container(fixture.project)?.state == .running)
        }
    }

    @Test("a timeout answers timedOut true and exitCode null")
    func timeout() async throws {
        let fixture = try await ExecFixture.make(state: .running)
        try await fixture.test { client in
            try await client.exec(#"{"command":"sleep 5","timeoutMs":300}"#) { response throws in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["timedOut"] as? Bool == true)
                #expect(json["exitCode"] is NSNull)
            }
        }
    }

    @Test("another workspace's project is 404 and runs nothing")
    func tenantMismatch() async throws {
        let fixture = try await ExecFixture.make()
        try await fixture.test { client in
            try await client.exec(#"{"command":"touch /workspace/ran"}"#, projectPath: "/v1/workspaces/other/projects/proj_1") {
                response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "project_not_found")
            }
            try await client.exec(#"{"command":"true"}"#, projectPath: "/v1/workspaces/acme/projects/proj_none") { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "no_container")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("ran").path))
    }

    @Test("without SSH configured: 503 ssh_not_configured")
    func notConfigured() async throws {
        try await TestApp.make().test { client in
            try await client.exec(#"{"command":"true"}"#) { response throws in
                #expect(response.status == .serviceUnavailable)
                let error = try response.errorBody().error
                #expect(error.code == "ssh_not_configured")
                #expect(error.message.contains("COOLIFY_SSH_HOST"))
            }
        }
    }

    @Test("bad input is 400 naming the field, and runs nothing", arguments: [
        (#"{"command":"touch /workspace/ran","env":{"A-B":"1"}}"#, "invalid_env"),
        (#"{"command":"touch /workspace/ran","timeoutMs":0}"#, "invalid_timeout_ms"),
        (#"{"command":"touch /workspace/ran","timeoutMs":99999999999}"#, "invalid_timeout_ms"),
        (#"{"command":"touch /workspace/ran","maxBytes":0}"#, "invalid_max_bytes"),
        (#"{"command":"touch /workspace/ran","cwd":"relative"}"#, "invalid_cwd"),
        (#"{"command":"touch /workspace/ran","user":"root;id"}"#, "invalid_user"),
        (#"{"command":"","cwd":"/workspace"}"#, "invalid_command"),
        (#"{"cwd":"/workspace"}"#, "invalid_command"),
        (#"{"command":"touch /workspace/ran","timeoutMs":"soon"}"#, "invalid_timeout_ms"),
    ])
    func badInput(body: String, code: String) async throws {
        let fixture = try await ExecFixture.make()
        try await fixture.test { client in
            try await client.exec(body) { response throws in
                #expect(response.status == .badRequest)
                #expect(try response.errorBody().error.code == code)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("ran").path))
    }

    @Test("GET …/exec is 405")
    func methodNotAllowed() async throws {
        try await TestApp.make().test { client in
            try await client.execute(uri: ExecFixture.projectPath + "/exec", method: .get, headers: TestApp.authorized) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }
}
