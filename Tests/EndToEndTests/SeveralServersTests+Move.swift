import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

extension SeveralServersTests {
    @Test("a move carries committed, changed, deleted and untracked files to the other host through the autosave branches; a failed one changes nothing; a suspended project moves suspended (vibn-gateway move)",
          .timeLimit(.minutes(5)))
    func move() async throws {
        let hosts = [try SSHTestPeer.require(), try SSHTestPeer.requireSecond()]
        let work = try WholeLoopTests.makeWorkDirectory(owner: hosts[0].user)
        try FileManager.default.createDirectory(at: work.appendingPathComponent("dynamic"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let origin = work.appendingPathComponent("origin.git").path
        try await GatewayStoreBackend.postgres.withSettings(work: work) { storeSettings in
            try await Self.withTwoServers(hosts: hosts, work: work, capacities: [5, 5]) { coolify, uuids, list in
                let token = "move-" + UUID().uuidString
                let environment = Self.environment(token: token, coolify: coolify, list: list, hosts: hosts, work: work)
                    .merging(storeSettings) { $1 }
                _ = try await GatewayProcess.with(environment: environment, directory: work, port: try FreePort.next()) { gateway in
                    let client = GatewayClient(origin: gateway.origin, token: token)
                    let path = "\(Self.workspace)/mv-1"
                    let created = try await client.send("PUT", "\(path)/container", json: #"{"slug":"shop"}"#)
                    #expect(created.status == 201, "\(created.text)")
                    let first = try #require(try created.json()["serviceUuid"] as? String)
                    await coolify.setStatus(first, "running:healthy")
                    try await eventually("the container runs", within: .seconds(60)) {
                        (try? await client.send("GET", "\(path)/container").json())?["state"] as? String == "running"
                    }
                    // A repository with a commit, and a changed, a deleted and an untracked file beside it.
                    _ = try await Self.exec(client, path, """
                        set -e
                        git init -q --bare \(ShellQuote.quote(origin))
                        mkdir -p shop && cd shop && git init -q -b main && git remote add origin \(ShellQuote.quote(origin))
                        echo committed > kept.txt && echo doomed > deleted.txt
                        git add . && git -c user.name=E2E -c user.email=e2e@example.com commit -q -m first
                        echo changed >> kept.txt && rm deleted.txt && echo new > untracked.txt
                        """)

                    // Refused moves change nothing.
                    let unknown = try await client.send("POST", "\(path)/container/move", json: #"{"server":"host-z"}"#)
                    #expect(unknown.status == 404 && unknown.text.contains("server_unknown"), "\(unknown.text)")
                    let malformed = try await client.send("POST", "\(path)/container/move", json: #"{"server":"Host A"}"#)
                    #expect(malformed.status == 400 && malformed.text.contains("invalid_server"), "\(malformed.text)")
                    let same = try await client.send("POST", "\(path)/container/move", json: #"{"server":"host-a"}"#)
                    let unchanged = try same.json()["serviceUuid"] as? String
                    #expect(same.status == 200 && unchanged == first, "\(same.text)")

                    // The move: the workspace arrives on host-b as it was; the old service is gone.
                    let moved = try await client.send("POST", "\(path)/container/move", json: #"{"server":"host-b"}"#)
                    #expect(moved.status == 200, "\(moved.text)")
                    let status = try moved.json()
                    let second = try #require(status["serviceUuid"] as? String)
                    #expect(status["server"] as? String == "host-b" && status["state"] as? String == "running" && second != first, "\(status)")
                    #expect(await coolify.server(of: second) == uuids[1])
                    #expect(await coolify.server(of: first) == nil, "the old service is deleted")
                    #expect(FileManager.default.fileExists(atPath: "\(hosts[1].dockerRoot)/vibn-dev-\(second)/workspace/shop/.git"))
                    #expect(!FileManager.default.fileExists(atPath: "\(hosts[0].dockerRoot)/vibn-dev-\(first)"))
                    let files = try await Self.exec(client, path, "cd shop && git status --short && cat kept.txt untracked.txt && git rev-parse --abbrev-ref HEAD && git log --format=%s")
                    #expect(files == " D deleted.txt\n M kept.txt\n?? untracked.txt\ncommitted\nchanged\nnew\nmain\nfirst\n", "\(files)")

                    // An origin that refuses the push: the move fails at its first step and the container stays.
                    try FileManager.default.moveItem(atPath: origin, toPath: origin + ".away")
                    let refused = try await client.send("POST", "\(path)/container/move", json: #"{"server":"host-a"}"#)
                    #expect(refused.status == 502 && refused.text.contains("move_failed"), "\(refused.text)")
                    let after = try await client.send("GET", "\(path)/container").json()
                    #expect(after["server"] as? String == "host-b" && after["state"] as? String == "running" && after["serviceUuid"] as? String == second, "\(after)")
                    #expect(await coolify.count("POST", "/services") == 2, "no service was created for the failed move")
                    try FileManager.default.moveItem(atPath: origin + ".away", toPath: origin)

                    // Coolify refuses the new service after the old one stopped: the old one runs again, unchanged.
                    await coolify.setDestinations(["dst-one", "dst-two"])
                    let undone = try await client.send("POST", "\(path)/container/move", json: #"{"server":"host-a"}"#)
                    #expect(undone.status == 502 && undone.text.contains("creating the service on 'host-a'"), "\(undone.text)")
                    await coolify.setDestinations([])
                    let kept = try await client.send("GET", "\(path)/container").json()
                    #expect(kept["server"] as? String == "host-b" && kept["state"] as? String == "running" && kept["serviceUuid"] as? String == second, "\(kept)")
                    #expect(try await Self.exec(client, path, "cat shop/untracked.txt") == "new\n")

                    // A suspended project moves back with `vibn-gateway move` and stays suspended; resumed, its files are there.
                    let suspended = try await client.send("POST", "\(path)/container/suspend")
                    #expect(suspended.status == 200, "\(suspended.text)")
                    let command = try await OperatorCommandTests.command(
                        ["move", "--workspace", "acme", "--project", "mv-1", "--server", "host-a"], environment, work
                    )
                    let back = try JSONSerialization.jsonObject(with: Data(command.output.utf8)) as? [String: Any] ?? [:]
                    #expect(back["server"] as? String == "host-a" && back["state"] as? String == "suspended", "\(command.output)\n\(command.error)")
                    let resumed = try await client.send("POST", "\(path)/container/resume")
                    #expect(resumed.status == 200, "\(resumed.text)")
                    let again = try await Self.exec(client, path, "cd shop && git status --short && cat kept.txt")
                    #expect(again == " D deleted.txt\n M kept.txt\n?? untracked.txt\ncommitted\nchanged\n", "\(again)")
                }
            }
        }
    }

    /// Runs `command` in the project's container; fails the test unless it exits 0.
    static func exec(_ client: GatewayClient, _ path: String, _ command: String) async throws -> String {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["command": command, "timeoutMs": 60_000]), as: UTF8.self)
        let answer = try await client.send("POST", "\(path)/exec", json: body)
        let json = try answer.json()
        try #require(answer.status == 200 && json["exitCode"] as? Int == 0, "exec failed: \(answer.text)")
        return json["stdout"] as? String ?? ""
    }
}
