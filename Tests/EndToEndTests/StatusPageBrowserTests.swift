import Foundation
import GatewayTestSupport
import Subprocess
import Testing

/// `GET /status` of the real binary on PostgreSQL, rendered by a real headless Chromium (Debian's `chromium`,
/// `VIBN_CHROMIUM_BIN` from scripts/test).
@Suite("End to end: the status page in Chromium")
struct StatusPageBrowserTests {
    static let workspace = "acme"

    @Test("the page renders in Chromium with the seeded projects, their preview and the doctor's result; a screenshot is taken; with a wrong password Chromium sees none of it",
          .timeLimit(.minutes(4)))
    func rendersInChromium() async throws {
        let chromium = try TestEnvironment.require("VIBN_CHROMIUM_BIN", for: "Chromium (the chromium package)")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("dynamic"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try await GatewayStoreBackend.postgres.withSettings(work: work) { storeSettings in
            try await CoolifyStandIn.withRunning { coolify in
                let token = "status-" + UUID().uuidString
                let password = "status-password-" + UUID().uuidString.prefix(8)
                let environment = [
                    "GATEWAY_API_TOKEN": token, "VIBN_STATUS_PASSWORD": password, "COOLIFY_API_URL": coolify.url.absoluteString,
                    "COOLIFY_API_TOKEN": coolify.token, "COOLIFY_SERVER_UUID": coolify.serverUUID,
                    "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH": "true", "TRAEFIK_DYNAMIC_DIR": work.appendingPathComponent("dynamic").path,
                    "LOG_LEVEL": "warning",
                ].merging(storeSettings) { $1 }
                _ = try await GatewayProcess.with(environment: environment, directory: work, port: try FreePort.next()) { gateway in
                    let client = GatewayClient(origin: gateway.origin, token: token)
                    // shop runs with a dev server; blog is still provisioning.
                    let shop = try await client.send("PUT", Self.container("status-shop"), json: #"{"slug":"shop"}"#)
                    #expect(shop.status == 201, "\(shop.text)")
                    await coolify.setStatus(try #require(try shop.json()["serviceUuid"] as? String), "running:healthy")
                    try await eventually("shop runs", within: .seconds(60)) {
                        (try? await client.send("GET", Self.container("status-shop")).json())?["state"] as? String == "running"
                    }
                    #expect(try await client.send("PUT", Self.container("status-blog"), json: #"{"slug":"blog"}"#).status == 201)
                    try await GatewayStoreBackend.run("psql", [storeSettings["DATABASE_URL"]!, "-q", "-v", "ON_ERROR_STOP=1", "-c", """
                        INSERT INTO fs_dev_servers (id, project_id, workspace, name, command, port, preview_url, state)
                        VALUES ('ds_0123456789ab', 'status-shop', 'acme', 'web', 'npm run dev', 3000, '', 'running');
                        INSERT INTO vibn_chat_turns (turn_id, phase, project_id, workspace, received_at, applied_at, outcome)
                        VALUES ('t-1', 'started', 'status-shop', 'acme', now(), now(), 'applied'),
                               ('t-2', 'started', 'status-shop', 'acme', now(), now(), 'applied');
                        """])

                    // The first view starts the doctor; its result shows on a later one.
                    let page = URL(string: "http://operator:\(password)@127.0.0.1:\(gateway.origin.port!)/status")!
                    let basic = "Basic " + Data("operator:\(password)".utf8).base64EncodedString()
                    try await eventually("the doctor's result is on the page", within: .seconds(60)) {
                        let answer = try? await GatewayClient(origin: gateway.origin, token: nil)
                            .send("GET", "/status", headers: [("Authorization", basic)])
                        return answer?.text.contains("All checks passed") == true
                    }

                    let dom = try await Self.chromium(chromium, ["--dump-dom", page.absoluteString], work: work)
                    for expected in [
                        "Running containers (1)", "status-shop", "Provisioning containers (1)", "status-blog", "Live previews (1)",
                        "All checks passed", "Containers by state", "Chat turns started per minute", "<svg",
                    ] {
                        #expect(dom.contains(expected), "Chromium's DOM lacks \(expected)")
                    }
                    #expect(dom.contains(#"<a rel="noreferrer" href="https://p0-shop-"#), "the preview is a link")

                    let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-status-page.png")
                    try? FileManager.default.removeItem(at: screenshot)
                    _ = try await Self.chromium(chromium, ["--screenshot=\(screenshot.path)", "--window-size=1280,2400", page.absoluteString], work: work)
                    let image = try Data(contentsOf: screenshot)
                    #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]) && image.count > 20_000, "a PNG of the page: \(image.count) bytes")
                    print("status page screenshot: \(screenshot.path) (\(image.count) bytes)")

                    let refused = try await Self.chromium(chromium, ["--dump-dom", "http://operator:wrong@127.0.0.1:\(gateway.origin.port!)/status"], work: work)
                    #expect(!refused.contains("status-shop") && !refused.contains("Running containers"), "\(refused.prefix(300))")
                }
            }
        }
    }

    static func container(_ project: String) -> String {
        "/v1/workspaces/\(Self.workspace)/projects/\(project)/container"
    }

    /// Runs headless Chromium (as root it needs --no-sandbox) with a profile of its own; returns its standard output.
    static func chromium(_ binary: String, _ arguments: [String], work: URL) async throws -> String {
        let profile = work.appendingPathComponent("chromium-\(UUID().uuidString)")
        let outcome = try await Subprocess.run(
            .name("env"),
            arguments: Arguments([binary,
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=\(profile.path)",
            ] + arguments),
            output: .string(limit: 4 << 20), error: .string(limit: 1 << 20)
        )
        guard case .exited(0) = outcome.terminationStatus else {
            throw EndToEndFailure(description: "chromium \(arguments.joined(separator: " ")): \(outcome.terminationStatus)\n\(outcome.standardError ?? "")")
        }
        return outcome.standardOutput ?? ""
    }
}
