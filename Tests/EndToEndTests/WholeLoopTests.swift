import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The whole loop through the real `vibn-gateway serve` binary: every part real (SQLite or PostgreSQL, sshd with
/// the docker stand-in, Traefik's file provider, git) except Coolify and the chat backend, which are loopback
/// stand-ins.
@Suite("End to end: the real binary through a whole chat-turn loop")
struct WholeLoopTests {
    /// The preview port the dev server binds on the host (the docker stand-in shares the host's network).
    static let previewPort = 3000

    // A case takes 5–20 s; the limit turns a hang (e.g. a child process never reaped) into a failure.
    @Test(
        "turn → container → exec → dev server → preview → turn end → idle sweep (autosave, suspend) → turn → resume → suspend → exec → resume",
        .timeLimit(.minutes(10)),
        arguments: GatewayStoreBackend.allCases
    )
    func wholeLoop(store: GatewayStoreBackend) async throws {
        let peer = try SSHTestPeer.require()
        let work = try Self.makeWorkDirectory(owner: peer.user)
        defer { try? FileManager.default.removeItem(at: work) }
        let dynamic = work.appendingPathComponent("dynamic")
        try FileManager.default.createDirectory(at: dynamic, withIntermediateDirectories: true)
        // The dev server binds host port 3000: no other test may hold it meanwhile.
        try await PreviewPortLock.withLock {
            try await TraefikPeer.with(provider: .file(directory: dynamic)) { traefik in
                try await EventReceiverStandIn.withRunning { receiver in
                    try await store.withSettings(work: work) { storeSettings in
                        let peers = LoopPeers(ssh: peer, traefik: traefik, receiver: receiver, work: work, dynamic: dynamic)
                        // Both log formats run the whole loop: readable lines on SQLite, JSON lines on PostgreSQL.
                        try await Self.runGateway(peers: peers, storeSettings: storeSettings, logFormat: store == .postgres ? "json" : "text")
                    }
                }
            }
        }
    }

    /// Runs the gateway against a fresh Coolify stand-in, drives the loop and checks the events, then stops
    /// every process the loop started in the stand-in containers.
    static func runGateway(peers: LoopPeers, storeSettings: [String: String], logFormat: String) async throws {
        let containers = StandInContainers(peer: peers.ssh)
        let secret = StandardWebhookSigner.generateSecret()
        let chatTurnSecret = StandardWebhookSigner.generateSecret()
        let token = "e2e-" + UUID().uuidString
        try await CoolifyStandIn.withRunning(onServiceChange: containers.handler) { coolify in
            let environment = Self.environment(
                peer: peers.ssh, coolify: coolify, receiver: peers.receiver, dynamic: peers.dynamic, token: token, secret: secret,
                chatTurnSecret: chatTurnSecret
            ).merging(storeSettings) { $1 }
            let outcome: Result<Bool, any Error>
            do {
                let port = try FreePort.next()
                // Traefik's catch-all wake router sends visits of preview hosts without a live route to the gateway.
                let environment = environment.merging(["VIBN_PREVIEW_WAKE_URL": "http://127.0.0.1:\(port)", "LOG_FORMAT": logFormat]) { $1 }
                outcome = .success(try await GatewayProcess.with(environment: environment, directory: peers.work, port: port) { gateway in
                    let project = LoopProject(
                        client: GatewayClient(origin: gateway.origin, token: token), coolify: coolify, traefik: peers.traefik,
                        dynamicFile: peers.dynamic.appendingPathComponent("vibn-previews.yml"),
                        eventsSecret: secret, chatTurnSecret: chatTurnSecret, origin: peers.work.appendingPathComponent("origin-\(UUID().uuidString).git").path
                    )
                    try await Self.runLoop(project)
                    try await Self.checkEvents(of: project, receiver: peers.receiver)
                    // The status page opens with the status password and shows the project.
                    let basic = "Basic " + Data("ops:\(environment["VIBN_STATUS_PASSWORD"]!)".utf8).base64EncodedString()
                    let page = try await GatewayClient(origin: gateway.origin, token: nil).send("GET", "/status", headers: [("Authorization", basic)])
                    #expect(page.status == 200 && page.text.contains(project.projectID), "GET /status: \(page.status)")
                    try await Self.checkLog(gateway.log, format: logFormat, environment: environment)
                }.exitedCleanly)
            } catch {
                outcome = .failure(error)
            }
            // Whatever happened, no process of the loop keeps a preview port.
            for uuid in await coolify.services().keys { try await containers.apply(.deleted, to: uuid) }
            #expect(try outcome.get(), "vibn-gateway serve exits with status 0 on SIGTERM")
        }
    }

    // MARK: The log

    /// No configured secret appears anywhere in the log, in either format; in JSON every line is one object with the
    /// documented fields.
    static func checkLog(_ log: ProcessLog, format: String, environment: [String: String]) async throws {
        let secrets = [
            "GATEWAY_API_TOKEN", "COOLIFY_API_TOKEN", "COOLIFY_SSH_PRIVATE_KEY_B64", "GATEWAY_EVENTS_SECRET", "GATEWAY_CHAT_TURN_SECRET",
            "VIBN_STATUS_PASSWORD",
        ]
        for name in secrets {
            let secret = try #require(environment[name])
            #expect(!(await log.contains(secret)), "\(name) appears in the gateway's \(format) log")
        }
        let lines = await log.everything.split(separator: "\n")
        #expect(lines.count > 20, "the loop is logged")
        guard format == "json" else { return }
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["timestamp"] is String && object?["level"] is String && object?["message"] is String
                    && object?["metadata"] is [String: Any], "not one JSON log object: \(line.prefix(300))")
        }
    }

    // MARK: Outbound events

    /// The chat backend's receiver got `container.state_changed` (to running three times, to suspended twice),
    /// `dev_server.ready` (three times) and `autosave.pushed` for the project, each signed with the events secret.
    static func checkEvents(of project: LoopProject, receiver: EventReceiverStandIn) async throws {
        let signer = try StandardWebhookSigner(secret: project.eventsSecret)
        let wanted: Set<String> = ["container.state_changed", "dev_server.ready", "autosave.pushed"]
        let events = try await eventually("the receiver gets \(wanted.sorted()) for the project") { () async throws -> (value: [[String: Any]]?, observed: String) in
            let events = await receiver.accepted().compactMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
                .filter { ($0["data"] as? [String: Any])?["projectId"] as? String == project.projectID }
            let types = Set(events.compactMap { $0["type"] as? String })
            let states = events.filter { $0["type"] as? String == "container.state_changed" }
                .compactMap { ($0["data"] as? [String: Any])?["state"] as? String }
            let ready = events.filter { $0["type"] as? String == "dev_server.ready" }.count
            let complete = types.isSuperset(of: wanted) && states.filter { $0 == "suspended" }.count >= 2
                && states.filter { $0 == "running" }.count >= 3 && ready >= 3
            return (complete ? events : nil, "types \(types.sorted()), container states \(states), \(ready) dev_server.ready")
        }
        let failedAutosaves = events.filter { $0["type"] as? String == "autosave.failed" }
        // The turn's end and the sweep may autosave at the same moment: saves of one project run one at a time.
        #expect(failedAutosaves.isEmpty, "no autosave fails in the loop: \(failedAutosaves)")
        for request in await receiver.received() {
            #expect(throws: Never.self, "every event is signed with GATEWAY_EVENTS_SECRET") {
                try signer.verify(
                    id: request.webhookID, timestamp: request.headers["webhook-timestamp"],
                    signature: request.headers["webhook-signature"], body: request.body, now: Date()
                )
            }
        }
        #expect(events.allSatisfy { ($0["timestamp"] as? String)?.hasSuffix("Z") == true })
    }
}

/// The real peers one run of the loop shares with its gateway.
struct LoopPeers: Sendable {
    let ssh: SSHTestPeer
    let traefik: TraefikPeer
    let receiver: EventReceiverStandIn
    /// The run's temporary folder (owned by the sshd test user).
    let work: URL
    /// The folder Traefik's file provider watches: the gateway's `TRAEFIK_DYNAMIC_DIR`.
    let dynamic: URL
}
