import Foundation
import GatewayCore
import GatewayTestSupport
import Subprocess
import Testing

/// One project driven through the running gateway, with the peers the loop checks against.
struct LoopProject: Sendable {
    let client: GatewayClient
    let coolify: CoolifyStandIn
    let traefik: TraefikPeer
    /// The gateway's file in Traefik's dynamic directory.
    let dynamicFile: URL
    let eventsSecret: String
    /// `GATEWAY_CHAT_TURN_SECRET`: signs chat turns (the events secret only signs what the gateway sends).
    let chatTurnSecret: String
    let workspace = "e2e"
    let projectID = "proj_" + UUID().uuidString.prefix(8).lowercased()
    let slug = "loop-" + UUID().uuidString.prefix(8).lowercased()
    /// The bare repository `origin` of `/workspace/{slug}` (a folder the sshd test user owns).
    let origin: String

    /// `…` of the API: `/v1/workspaces/{workspace}/projects/{project}`.
    var path: String { "/v1/workspaces/\(self.workspace)/projects/\(self.projectID)" }

    // MARK: Chat turns

    /// Sends a signed chat-turn event and expects 202.
    func turn(_ turnID: String, _ phase: String) async throws {
        let answer = try await self.client.chatTurn(
            ["workspace": self.workspace, "projectId": self.projectID, "projectSlug": self.slug, "turnId": turnID, "phase": phase],
            secret: self.chatTurnSecret
        )
        try self.expect(answer, 202, "chat turn \(turnID) \(phase)")
    }

    // MARK: Container

    /// Polls `GET …/container` until its `state` is `state`; returns the status object.
    @discardableResult
    func waitForContainer(_ state: String) async throws -> [String: Any] {
        try await eventually("GET …/container answers state \(state)") {
            let answer = try await self.client.send("GET", self.path + "/container")
            let json = try? answer.json()
            return (json?["state"] as? String == state ? json : nil, "\(answer.status) \(answer.text)")
        }
    }

    /// `POST …/exec` of `command` in `cwd`; expects exit code 0 and returns stdout.
    @discardableResult
    func exec(_ command: String, cwd: String = "/workspace") async throws -> String {
        let body = try Self.json(["command": command, "cwd": cwd, "timeoutMs": 60_000])
        let answer = try await self.client.send("POST", self.path + "/exec", json: body)
        try self.expect(answer, 200, "exec")
        let json = try answer.json()
        try #require(json["exitCode"] as? Int == 0, "exec failed: \(answer.text)")
        return json["stdout"] as? String ?? ""
    }

    /// `POST …/container/suspend` until it is taken: 503 `coolify_status_stale` (Coolify's status still predates the
    /// last start) is retried, anything else but 200 fails.
    func suspend() async throws {
        try await eventually("POST …/container/suspend is taken") { () async throws -> (value: Bool?, observed: String) in
            let answer = try await self.client.send("POST", self.path + "/container/suspend")
            if answer.status == 503, answer.text.contains("coolify_status_stale") { return (nil, answer.text) }
            try self.expect(answer, 200, "POST …/container/suspend")
            return (true, answer.text)
        }
    }

    // MARK: Dev servers

    /// The last lines of a dev server's log (`GET …/dev-servers/{id}/logs`).
    func devServerLog(id: String) async throws -> String {
        let answer = try await self.client.send("GET", self.path + "/dev-servers/\(id)/logs?lines=50")
        try self.expect(answer, 200, "GET …/logs")
        return answer.text
    }

    /// Polls `GET …/dev-servers` until a server on `port` is `running` (with a pid other than `replaced`, when
    /// given); returns it. A `failed` one fails at once.
    @discardableResult
    func waitForRunningDevServer(port: Int, replacing replaced: Int? = nil) async throws -> [String: Any] {
        try await eventually("a dev server on port \(port) is running" + (replaced.map { " in a process other than \($0)" } ?? "")) {
            let answer = try await self.client.send("GET", self.path + "/dev-servers")
            let servers = (try? answer.json())?["devServers"] as? [[String: Any]] ?? []
            let server = servers.first { $0["port"] as? Int == port }
            if server?["state"] as? String == "failed", let id = server?["id"] as? String {
                let log = try await self.client.send("GET", self.path + "/dev-servers/\(id)/logs?lines=50")
                Issue.record("the dev server failed: \(answer.text)\nits log:\n\(log.text)")
                throw EndToEndFailure(description: "dev server \(id) failed")
            }
            let running = server?["state"] as? String == "running" && (replaced == nil || server?["pid"] as? Int != replaced)
            return (running ? server : nil, "\(answer.status) \(answer.text)")
        }
    }

    // MARK: Preview through Traefik

    /// Polls Traefik's web entry point with `Host: host` until it answers `status` (Traefik reloads in 1–3 s).
    func waitForPreview(host: String, status: Int) async throws {
        try await self.traefik.waitFor(host: host, status: status, within: .seconds(90))
    }

    /// Polls the gateway's Traefik file until it has no router for `host` (a visit would wake the project, so the
    /// route's removal is checked where Traefik reads it, not by visiting).
    func waitForRouteGone(host: String) async throws {
        try await eventually("the route of \(host) leaves \(self.dynamicFile.lastPathComponent)") {
            let text = (try? String(contentsOf: self.dynamicFile, encoding: .utf8)) ?? ""
            return !text.isEmpty && !text.contains("Host(`\(host)`)")
        }
    }

    // MARK: The bare repository

    /// `git` on the host against the bare `origin` (root reads a repository the test user owns).
    func originGit(_ arguments: [String]) async throws -> (ok: Bool, output: String) {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(["-c", "safe.directory=*", "--git-dir=\(self.origin)"] + arguments),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
        )
        let ok = if case .exited(0) = result.terminationStatus { true } else { false }
        return (ok, (result.standardOutput ?? "") + (ok ? "" : result.standardError ?? ""))
    }

    // MARK: Helpers

    /// Requires `answer.status == status`, naming `what` and the body otherwise.
    func expect(_ answer: HTTPAnswer, _ status: Int, _ what: String) throws {
        try #require(answer.status == status, "\(what): expected \(status), got \(answer.status) \(answer.text)")
    }

    /// `object` as a JSON string.
    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }
}
