import Coolify
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import SSHExec
import Testing

/// `PUT …/application`, `POST …/ship` and `GET …/ships/{id}` against a real git repository in the stand-in container
/// (origin: a real bare repository, through the real sshd) and the Coolify stand-in, whose deployment webhook reaches
/// the gateway's webhook route over loopback.
@Suite("Ship: push, deploy, and the result")
struct ShipRouteTests {
    static let secret = "ship-webhook-secret-0123456789"
    static let path = ExecFixture.projectPath

    /// Runs `body` with the repository made, the Application recorded and the gateway serving on a port.
    static func withShip(
        _ body: @escaping @Sendable (AutosaveFixture, CoolifyStandIn, String, any TestClientProtocol) async throws -> Void
    ) async throws {
        let fixture = try await AutosaveFixture.make()
        try await fixture.makeRepository()
        try await CoolifyStandIn.withRunning { coolify in
            let application = await coolify.deployments.addApplication(name: "shop")
            let client = CoolifyClient(
                configuration: CoolifyConfiguration(apiURL: coolify.url, token: coolify.token, serverUUID: coolify.serverUUID),
                logger: Logger(label: "ship-tests")
            )
            var settings = GatewaySettings.testing()
            settings.ship = ShipSettings(pollInterval: .milliseconds(200))
            let shell = try SSHExec(fixture.exec.peer.configuration())
            let gateway = fixture.exec.app.gateway(orchestrator: CoolifyOrchestrator(client: client), shell: shell, settings: settings)
            do {
                try await fixture.exec.app.test(gateway: gateway, testing: .live, configure: { $0.coolifyWebhookSecret = Self.secret }) { http in
                    let port = try #require(http.port)
                    await coolify.deployments.setWebhookURL(URL(string: "http://127.0.0.1:\(port)/v1/webhooks/coolify/\(Self.secret)"))
                    let recorded = try await http.send(.put, "\(Self.path)/application", #"{"uuid":"\#(application)"}"#)
                    #expect(recorded.status == .ok, "\(String(buffer: recorded.body))")
                    try await body(fixture, coolify, application, http)
                }
            } catch {
                await shell.close()
                throw error
            }
            await shell.close()
        }
    }

    @Test("a ship commits the working tree on the user's branch, pushes it, deploys, and succeeds on the webhook; a second finds nothing to commit and still deploys")
    func success() async throws {
        try await Self.withShip { fixture, coolify, _, http in
            let first = try await Self.ship(http, #"{"message":"Ship the first page"}"#)
            #expect(first["state"] as? String == "succeeded" && first["committed"] as? Bool == true && first["branch"] as? String == "main", "\(first)")
            let head = try await fixture.git("git --git-dir=\(ShellQuote.quote(fixture.origin)) rev-parse refs/heads/main").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(first["commit"] as? String == head)
            let log = try await fixture.git("git --git-dir=\(ShellQuote.quote(fixture.origin)) log -1 --format='%an <%ae> %s' main")
            #expect(log == "Vibn <vibn-bot@vibnai.com> Ship the first page\n", "\(log)")
            let deployment = try #require(first["deploymentUuid"] as? String)
            #expect((first["deploymentUrl"] as? String)?.hasSuffix("/deployment/\(deployment)") == true)

            let second = try await Self.ship(http, "{}")
            #expect(second["state"] as? String == "succeeded" && second["committed"] as? Bool == false && second["commit"] as? String == head, "\(second)")
            #expect(await coolify.calls().filter { $0.method == "POST" && $0.path == "/deploy" }.count == 2)
        }
    }

    @Test("a rejected push fails with git's message and deploys nothing; Coolify refusing fails with its message; a failed deployment fails")
    func failures() async throws {
        try await Self.withShip { fixture, coolify, _, http in
            // Someone else pushed to main meanwhile: the push is not a fast-forward.
            try await fixture.git("""
                tmp=$(mktemp -d) && git clone -q -b main \(ShellQuote.quote(fixture.origin)) "$tmp/other" && cd "$tmp/other"
                echo theirs > theirs.txt && git add theirs.txt && git -c user.name=O -c user.email=o@example.com commit -q -m theirs
                git push -q origin main && rm -rf "$tmp"
                """)
            let rejected = try await Self.ship(http, "{}")
            #expect(rejected["state"] as? String == "failed", "\(rejected)")
            #expect((rejected["reason"] as? String)?.contains("rejected") == true, "\(rejected)")
            #expect(await coolify.calls().filter { $0.path == "/deploy" }.isEmpty, "nothing was deployed")

            try await fixture.git("cd /workspace/app && git -c user.name=T -c user.email=t@example.com pull -q --no-rebase --no-edit origin main")
            #expect(try await http.send(.put, "\(Self.path)/application", #"{"uuid":"nosuchapp"}"#).status == .ok)
            let refused = try await Self.ship(http, "{}")
            #expect(refused["state"] as? String == "failed" && (refused["reason"] as? String)?.contains("No resources found.") == true, "\(refused)")
            #expect(refused["commit"] as? String != nil, "the push happened; only the deploy was refused")

            let application = await coolify.deployments.addApplication(name: "shop2")
            #expect(try await http.send(.put, "\(Self.path)/application", #"{"uuid":"\#(application)"}"#).status == .ok)
            await coolify.deployments.setOutcome(.failed)
            let failed = try await Self.ship(http, "{}")
            #expect(failed["state"] as? String == "failed" && (failed["reason"] as? String)?.contains("deployment failed") == true, "\(failed)")
        }
    }

    @Test("without the webhook, polling the deployment ends the ship; a second ship while one runs answers 409 with its id")
    func pollingAndConcurrency() async throws {
        try await Self.withShip { _, coolify, _, http in
            await coolify.deployments.setWebhookURL(nil)
            let polled = try await Self.ship(http, "{}")
            #expect(polled["state"] as? String == "succeeded", "\(polled)")

            await coolify.deployments.setOutcome(.held)
            let started = try await http.send(.post, "\(Self.path)/ship", "{}")
            #expect(started.status == .accepted)
            let id = try #require(try started.json()["id"] as? String)
            let second = try await http.send(.post, "\(Self.path)/ship", #"{"branch":"main"}"#)
            #expect(second.status == .conflict && String(buffer: second.body).contains(id), "\(String(buffer: second.body))")
            let deploying = try await Self.waitFor(http, id, states: ["deploying"])
            await coolify.deployments.finish(try #require(deploying["deploymentUuid"] as? String), succeeded: true)
            #expect(try await Self.waitFor(http, id, states: ["succeeded", "failed"])["state"] as? String == "succeeded")
        }
    }

    @Test("Coolify answering 'already queued' names no deployment: the Application's deployment webhook ends the ship")
    func alreadyQueued() async throws {
        try await Self.withShip { _, coolify, application, http in
            await coolify.deployments.answerNextAsAlreadyQueued()
            await coolify.deployments.setOutcome(.held)
            let started = try await http.send(.post, "\(Self.path)/ship", "{}")
            let id = try #require(try started.json()["id"] as? String)
            let deploying = try await Self.waitFor(http, id, states: ["deploying", "failed"])
            #expect(deploying["state"] as? String == "deploying" && deploying["deploymentUuid"] is NSNull, "\(deploying)")
            // The deployment Coolify had queued (its own, from the push) ends; its webhook names the Application.
            let queued = await coolify.deployments.queueDeployment(of: application)
            await coolify.deployments.finish(queued, succeeded: true)
            let ended = try await Self.waitFor(http, id, states: ["succeeded", "failed"])
            #expect(ended["state"] as? String == "succeeded" && ended["deploymentUuid"] as? String == queued, "\(ended)")
        }
    }

    @Test("bad input changes nothing: a malformed branch, message or application uuid, an unknown ship id, another workspace")
    func validation() async throws {
        try await Self.withShip { _, _, _, http in
            for (body, code) in [
                (#"{"branch":"-delete"}"#, "invalid_branch"), (#"{"branch":"a..b"}"#, "invalid_branch"), (#"{"message":""}"#, "invalid_message"),
                (#"{"branch":"x;rm -rf /"}"#, "invalid_branch"),
            ] {
                let answer = try await http.send(.post, "\(Self.path)/ship", body)
                #expect(answer.status == .badRequest && (try? answer.errorBody().error.code) == code, "\(body): \(String(buffer: answer.body))")
            }
            #expect(try await http.send(.put, "\(Self.path)/application", #"{"uuid":"Not A Uuid"}"#).status == .badRequest)
            #expect(try await http.send(.get, "\(Self.path)/ships/shp_0000000000000000", nil).status == .notFound)
            #expect(try await http.send(.get, "\(Self.path)/ships/nope", nil).status == .badRequest)
            #expect(try await http.send(.post, "/v1/workspaces/other/projects/proj_1/ship", "{}").status == .notFound)
        }
    }

    /// `POST …/ship` with `body`, then its state until it ends.
    static func ship(_ http: any TestClientProtocol, _ body: String) async throws -> [String: Any] {
        let started = try await http.send(.post, "\(Self.path)/ship", body)
        try #require(started.status == .accepted, "\(String(buffer: started.body))")
        let ship = try started.json()
        #expect(ship["state"] as? String == "pushing")
        return try await Self.waitFor(http, try #require(ship["id"] as? String), states: ["succeeded", "failed"])
    }

    /// `GET …/ships/{id}` until its state is one of `states` (at most 60 s).
    static func waitFor(_ http: any TestClientProtocol, _ id: String, states: Set<String>) async throws -> [String: Any] {
        var latest: [String: Any] = [:]
        try await eventually("ship \(id) reaches \(states)", within: .seconds(60)) {
            latest = (try? await http.send(.get, "\(Self.path)/ships/\(id)", nil).json()) ?? [:]
            return states.contains(latest["state"] as? String ?? "")
        }
        return latest
    }
}

extension TestClientProtocol {
    /// One authorised request with a JSON body (none when nil).
    func send(_ method: HTTPRequest.Method, _ uri: String, _ json: String?) async throws -> TestResponse {
        var headers = TestApp.authorized
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}
