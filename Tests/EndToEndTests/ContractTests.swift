import Events
import Foundation
import GatewayTestSupport
import Subprocess
import Testing

/// The OpenAPI contract checked against the real `vibn-gateway serve` binary by schemathesis (`VIBN_SCHEMATHESIS_BIN`,
/// installed into `.venv/` by scripts/lib/install.sh): every check, positive and negative generation, with every peer
/// configured and one real project whose container runs. Any finding fails the test with schemathesis's report.
@Suite("Contract: schemathesis against the real binary")
struct ContractTests {
    /// The project the generated requests are pointed at (about half of them; `Tests/Contract/hooks.py`).
    static let workspace = "acme"
    static let project = "proj_1"
    /// Generated cases per operation and phase: enough to reach every rule, few enough for 2 cores in minutes.
    /// One worker: the run is sequential (hypothesis's caches are not thread-safe, and it stays reproducible).
    static let maxExamples = 50
    static let seed = 20_251_202

    @Test("schemathesis finds no contract failure and no server error", .timeLimit(.minutes(20)))
    func schemathesisFindsNothing() async throws {
        let schemathesis = try TestEnvironment.require("VIBN_SCHEMATHESIS_BIN", for: "schemathesis (scripts/lib/install.sh)")
        let peer = try SSHTestPeer.require()
        let work = try WholeLoopTests.makeWorkDirectory(owner: peer.user)
        defer { try? FileManager.default.removeItem(at: work) }
        let dynamic = work.appendingPathComponent("dynamic")
        try FileManager.default.createDirectory(at: dynamic, withIntermediateDirectories: true)
        // Generated dev servers take preview ports 3000–3009 on the host, which the docker stand-in shares.
        try await PreviewPortLock.withLock {
            try await EventReceiverStandIn.withRunning { receiver in
                let containers = StandInContainers(peer: peer)
                let standInErrors = StandInErrors()
                let handler: CoolifyStandIn.ServiceChangeHandler = { uuid, change in
                    do { try await containers.apply(change, to: uuid) } catch {
                        await standInErrors.record("\(change) \(uuid): \(error)")
                        throw error
                    }
                }
                try await CoolifyStandIn.withRunning(onServiceChange: handler) { coolify in
                    let credentials = Credentials()
                    let environment = WholeLoopTests.environment(
                        peer: peer, coolify: coolify, receiver: receiver, dynamic: dynamic, token: credentials.apiToken,
                        secret: StandardWebhookSigner.generateSecret(), chatTurnSecret: credentials.chatTurnSecret
                    ).merging(credentials.gatewaySettings) { $1 }
                        .merging(["VIBN_SQLITE_PATH": work.appendingPathComponent("gateway.sqlite").path]) { $1 }
                    let outcome: Result<Void, any Error>
                    do {
                        outcome = .success(try await GatewayProcess.with(environment: environment, directory: work, port: try FreePort.next()) { gateway in
                            let devServer = try await Self.makeProject(client: GatewayClient(origin: gateway.origin, token: credentials.apiToken))
                            let report = try await Self.runSchemathesis(
                                schemathesis, origin: gateway.origin, credentials: credentials, devServer: devServer, work: work
                            )
                            #expect(report.passed, "schemathesis reported findings:\n\(report.output)")
                            // The run's totals, also when it passed (e.g. "2504 generated, 0 found …").
                            let totals = report.output.split(separator: "\n").filter { $0.contains("generated") || $0.contains(" passed") }
                            print("schemathesis:", totals.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | "))
                            let errors = await standInErrors.all
                            #expect(errors.isEmpty, "the docker stand-in failed to follow Coolify (its 500s): \(errors)")
                        }.result)
                    } catch {
                        outcome = .failure(error)
                    }
                    // Whatever happened, no process a generated request started keeps running.
                    for uuid in await coolify.services().keys { try await containers.apply(.deleted, to: uuid) }
                    try outcome.get()
                }
            }
        }
    }

    /// Creates the project with a running container and a dev server; returns the dev server's id.
    static func makeProject(client: GatewayClient) async throws -> String {
        let path = "/v1/workspaces/\(Self.workspace)/projects/\(Self.project)"
        let created = try await client.send("PUT", path + "/container", json: #"{"slug":"shop"}"#)
        try #require(created.status == 201, "PUT …/container: \(created.status) \(created.text)")
        try await eventually("the project's container is running") {
            (try? await client.send("GET", path + "/container").json())?["state"] as? String == "running"
        }
        let started = try await client.send(
            "POST", path + "/dev-servers", json: #"{"command":"python3 -m http.server 3000 --bind 127.0.0.1","port":3000,"name":"web"}"#
        )
        try #require(started.status == 201, "POST …/dev-servers: \(started.status) \(started.text)")
        return try #require(try started.json()["id"] as? String)
    }

    /// Runs `schemathesis run` against the gateway's own `/openapi.yaml`.
    static func runSchemathesis(
        _ binary: String, origin: URL, credentials: Credentials, devServer: String, work: URL
    ) async throws -> (passed: Bool, output: String) {
        let contract = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Contract")
        let arguments = [
            "--config-file", contract.appendingPathComponent("schemathesis.toml").path,
            "run", origin.absoluteString + "/openapi.yaml", "--url", origin.absoluteString,
            "--checks", "all", "--mode", "all", "--max-examples", String(Self.maxExamples), "--seed", String(Self.seed),
            "--workers", "1", "--request-timeout", "30", "--continue-on-failure", "--generation-database", "none", "--no-color",
            "--report", "junit", "--report-dir", work.appendingPathComponent("schemathesis-report").path,
        ]
        let environment = [
            "SCHEMATHESIS_HOOKS": "hooks", "PYTHONPATH": contract.path,
            "VIBN_CONTRACT_API_TOKEN": credentials.apiToken, "VIBN_CONTRACT_TRAEFIK_TOKEN": credentials.traefikToken,
            "VIBN_CONTRACT_WEBHOOK_SECRET": credentials.webhookSecret, "VIBN_CONTRACT_WORKSPACE": Self.workspace,
            "VIBN_CONTRACT_PROJECT": Self.project, "VIBN_CONTRACT_DEV_SERVER": devServer,
        ]
        // `env` runs schemathesis in the work folder (its report and caches stay out of the repository).
        let result = try await Subprocess.run(
            .name("env"), arguments: Arguments(["--chdir=\(work.path)", binary] + arguments),
            environment: .inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
            output: .string(limit: 16 << 20), error: .string(limit: 4 << 20)
        )
        let passed = if case .exited(0) = result.terminationStatus { true } else { false }
        let command = "schemathesis " + arguments.joined(separator: " ")
        return (passed, "\(command)\n\(result.terminationStatus)\n\(result.standardOutput ?? "")\n\(result.standardError ?? "")")
    }
}

/// What the docker stand-in failed to do (the Coolify stand-in answers those calls 500).
actor StandInErrors {
    private(set) var all: [String] = []

    func record(_ error: String) { self.all.append(error) }
}

/// The secrets of one contract run, given to both the gateway and schemathesis.
struct Credentials: Sendable {
    let apiToken = "contract-" + UUID().uuidString
    let traefikToken = "traefik-" + UUID().uuidString
    let webhookSecret = "hook" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    let chatTurnSecret = StandardWebhookSigner.generateSecret()

    /// The gateway settings beyond the whole loop's: every credential of every route.
    var gatewaySettings: [String: String] {
        [
            "TRAEFIK_PROVIDER_TOKEN": self.traefikToken,
            "COOLIFY_WEBHOOK_SECRET": self.webhookSecret,
            "GATEWAY_CHAT_TURN_SECRET": self.chatTurnSecret,
        ]
    }
}
