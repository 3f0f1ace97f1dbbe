import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

extension WholeLoopTests {
    // MARK: The loop (README: "Walkthrough: the whole loop with curl")

    static func runLoop(_ project: LoopProject) async throws {
        // 1. A chat turn starts: the gateway provisions the project's container (one Coolify service), which
        //    becomes running once `docker exec` reaches it. Coolify's status lags every start by 5 s, as its server
        //    check does (exited, starting, exited again, then running).
        await project.coolify.setStartLag(.seconds(5))
        try await project.turn("turn-1", "started")
        let provisioned = try await project.waitForContainer("running")
        let service = try #require(provisioned["serviceUuid"] as? String)
        #expect(await project.coolify.count("POST", "/services") == 1)

        // 2. An exec writes a page, commits it in /workspace/{slug} (origin: a real bare repository) and leaves
        //    uncommitted work.
        let head = try await project.exec("""
            set -e
            git init -q --bare \(ShellQuote.quote(project.origin))
            mkdir -p \(project.slug) && cd \(project.slug)
            git init -q -b main
            git remote add origin \(ShellQuote.quote(project.origin))
            echo '<h1>hello from the loop</h1>' > index.html
            git add index.html
            git -c user.name=E2E -c user.email=e2e@example.com commit -q -m 'first page'
            echo 'work in progress' > notes.txt
            git rev-parse HEAD
            """).trimmingCharacters(in: .whitespacesAndNewlines)

        // 3. A dev server starts in the container and becomes running; Traefik routes its preview host to it.
        let started = try await project.client.send(
            "POST", project.path + "/dev-servers",
            json: try LoopProject.json(["command": "python3 -m http.server \(Self.previewPort) --bind 0.0.0.0", "port": Self.previewPort, "name": "web"])
        )
        try project.expect(started, 201, "POST …/dev-servers")
        let previewURL = try #require(try started.json()["previewUrl"] as? String)
        let previewHost = try #require(URL(string: previewURL)?.host, "previewUrl \(previewURL) has a host")
        // While it starts, a visitor gets the waking page (the catch-all router), or the app once it runs: never a
        // 502 from a route to a server that does not listen yet.
        let early = try await project.traefik.request(host: previewHost)
        #expect(early.status == 503 && early.body.contains("Starting your preview") || early.status == 200, "\(early.status) \(early.body.prefix(200))")
        let firstRun = try await project.waitForRunningDevServer(port: Self.previewPort)
        try await project.waitForPreview(host: previewHost, status: 200)

        // 4. The turn ends; an idle sweep with a limit of 0 minutes (time "advanced" past the limit) autosaves
        //    the workspace to vibn-autosave/main and suspends the container. The turn's end is applied in the
        //    background, so the sweep is repeated until it takes the project.
        try await project.turn("turn-1", "ended")
        let sweep = try await eventually("POST /v1/sweeps/idle suspends the project") { () async throws -> (value: [String: Any]?, observed: String) in
            let answer = try await project.client.send("POST", "/v1/sweeps/idle", json: #"{"idleMinutes":0}"#)
            let json = try? answer.json()
            let suspended = json?["suspended"] as? [[String: Any]] ?? []
            return (suspended.contains { $0["projectId"] as? String == project.projectID } ? json : nil, "\(answer.status) \(answer.text)")
        }
        #expect((sweep["errors"] as? [Any])?.isEmpty == true, "the sweep reports no errors: \(sweep)")
        try await project.waitForContainer("suspended")
        // A sweep within 5 s of the creation finds Coolify's status still `exited`: its stop is refused as stale and
        // the next sweep's taken.
        #expect(await project.coolify.count("POST", "/services/\(service)/stop") >= 1)
        let autosave = "refs/heads/vibn-autosave/main"
        let ancestor = try await project.originGit(["merge-base", "--is-ancestor", head, autosave])
        #expect(ancestor.ok, "the autosave \(autosave) descends from the user's commit \(head): \(ancestor.output)")
        let notes = try await project.originGit(["show", "\(autosave):notes.txt"])
        #expect(notes.ok && notes.output == "work in progress\n", "the autosave holds the uncommitted work: \(notes.output)")
        // The route disappears with the suspended container.
        try await project.waitForRouteGone(host: previewHost)

        // 5. A new turn resumes the container (no second service) and the dev server comes back on the same host:
        //    a new process (the stand-in's stop killed the old one), running again.
        try await project.turn("turn-2", "started")
        let resumed = try await project.waitForContainer("running")
        #expect(resumed["serviceUuid"] as? String == service)
        #expect(await project.coolify.count("POST", "/services") == 1)
        #expect(await project.coolify.count("POST", "/services/\(service)/start") >= 1)
        let secondRun = try await project.waitForRunningDevServer(port: Self.previewPort, replacing: firstRun["pid"] as? Int)
        try await project.waitForPreview(host: previewHost, status: 200)

        // 6. A second cycle, right after the resume while Coolify's status still lags it: the turn ends and the
        //    container is suspended on request (503 coolify_status_stale while Coolify says "already stopped" and
        //    docker shows the container, then taken). The dev server's log is on the cache volume, so it still
        //    answers after the stand-in's stop threw the container's own filesystem away.
        try await project.turn("turn-2", "ended")
        let logsBefore = try await project.devServerLog(id: try #require(secondRun["id"] as? String))
        #expect(logsBefore.contains("GET / HTTP"), "the dev server logged the preview's request: \(logsBefore)")
        try await project.suspend()
        try await project.waitForContainer("suspended")
        #expect(await project.coolify.count("POST", "/services/\(service)/stop") >= 2)
        try await project.waitForRouteGone(host: previewHost)

        // 7. Someone opens the preview link: Traefik's catch-all wake router sends the visits to the gateway, which
        //    answers a waking page (503, Retry-After, reloading itself) and starts the container once however many
        //    visitors come; after the relaunch, the same host reaches the dev server again.
        //    (Until Traefik has reloaded the file without the dev server's route, it still forwards there: 502.)
        let startsBefore = await project.coolify.count("POST", "/services/\(service)/start")
        let first = try await eventually("Traefik sends the preview host to the gateway") { () async throws -> (value: (status: Int, body: String)?, observed: String) in
            let visit = try await project.traefik.request(host: previewHost)
            return (visit.status == 502 ? nil : visit, "\(visit.status) \(visit.body.prefix(200))")
        }
        #expect(first.status == 503 && first.body.contains("Starting your preview") && first.body.contains("http-equiv=\"refresh\""),
                "a visitor of the sleeping preview sees the waking page: \(first.status) \(first.body.prefix(300))")
        let visits = try await withThrowingTaskGroup(of: (status: Int, body: String).self) { group in
            for _ in 0..<5 { group.addTask { try await project.traefik.request(host: previewHost) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for visit in visits {
            #expect(visit.status == 503 && visit.body.contains("Starting your preview") || visit.status == 200,
                    "a visitor sees the waking page or the app, never an error: \(visit.status) \(visit.body.prefix(300))")
        }
        #expect(try await project.traefik.request(host: "p0-nothing-" + String(repeating: "a", count: 26) + ".preview.e2e.test").status == 404)
        try await project.waitForContainer("running")
        try await project.waitForRunningDevServer(port: Self.previewPort, replacing: secondRun["pid"] as? Int)
        try await project.waitForPreview(host: previewHost, status: 200)
        #expect(await project.coolify.count("POST", "/services/\(service)/start") == startsBefore + 1, "one Coolify start for five visitors")

        // 8. The log kept the request from before the suspend across the relaunch; the workspace kept its committed
        //    and uncommitted files through two cycles.
        let logsAfter = try await project.devServerLog(id: try #require(secondRun["id"] as? String))
        #expect(logsAfter.contains("GET / HTTP") && logsAfter.contains("--- vibn: dev server"), "the log survives the suspend: \(logsAfter)")
        let files = try await project.exec("cat \(project.slug)/notes.txt && git -C \(project.slug) rev-parse HEAD")
        #expect(files == "work in progress\n\(head)\n")
        #expect(await project.coolify.count("POST", "/services") == 1)
    }

    // MARK: Configuration

    /// The gateway's environment: every setting the loop needs, pointing at the peers.
    static func environment(
        peer: SSHTestPeer, coolify: CoolifyStandIn, receiver: EventReceiverStandIn, dynamic: URL, token: String, secret: String,
        chatTurnSecret: String
    ) -> [String: String] {
        [
            "GATEWAY_API_TOKEN": token,
            "COOLIFY_API_URL": coolify.url.absoluteString,
            "COOLIFY_API_TOKEN": coolify.token,
            "COOLIFY_SERVER_UUID": coolify.serverUUID,
            "COOLIFY_SSH_HOST": peer.host,
            "COOLIFY_SSH_PORT": String(peer.port),
            "COOLIFY_SSH_USER": peer.user,
            "COOLIFY_SSH_PRIVATE_KEY_B64": Data(peer.privateKey).base64EncodedString(),
            "COOLIFY_SSH_KNOWN_HOSTS": peer.knownHosts,
            "TRAEFIK_DYNAMIC_DIR": dynamic.path,
            // The docker stand-in shares the host's network: a preview upstream is a loopback port.
            "VIBN_PREVIEW_UPSTREAM": "http://127.0.0.1:{port}",
            "VIBN_PREVIEW_ENTRYPOINTS": "web",
            "VIBN_PREVIEW_CERT_RESOLVER": "",
            "VIBN_PREVIEW_DOMAIN_BASE": "preview.e2e.test",
            "GATEWAY_EVENTS_SECRET": secret,
            "GATEWAY_CHAT_TURN_SECRET": chatTurnSecret,
            "GATEWAY_EVENTS_URL": receiver.url.absoluteString,
            "VIBN_STATUS_PASSWORD": "status-" + UUID().uuidString,
        ]
    }

    /// A temporary folder the sshd test user owns (the bare repository is made in it from the container).
    static func makeWorkDirectory(owner: String) throws -> URL {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountName: owner], ofItemAtPath: work.path)
        return work
    }
}
