import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import Storage
import Testing

/// A visit to a preview host without a live route wakes its project (the end-to-end loop checks the same through the
/// real Traefik and the real binary).
@Suite("Preview wake")
struct PreviewWakeTests {
    static let workspace = WorkspaceSlug(trusted: "acme")

    /// A gateway with a wake URL on the app's store and the Coolify stand-in (no SSH: a resume is a Coolify start).
    static func gateway(_ app: TestApp, _ standIn: CoolifyStandIn, quota: Int = 10) throws -> Gateway {
        let client = CoolifyClient(
            configuration: CoolifyConfiguration(apiURL: standIn.url, token: standIn.token, serverUUID: standIn.serverUUID),
            logger: Logger(label: "http-tests")
        )
        var settings = GatewaySettings.testing(quota: quota, sshConfigured: false, coolifyServerUUID: standIn.serverUUID)
        settings.lifecycle.allowWithoutSSH = true
        settings.previewRouting = try PreviewRouting(
            domainBase: "preview.test", entryPoints: ["web"], certResolver: nil, upstreamPattern: "http://127.0.0.1:{port}",
            wakeURL: "http://127.0.0.1:8080"
        )
        return app.gateway(orchestrator: CoolifyOrchestrator(client: client), settings: settings)
    }

    /// A project's container, created through the gateway, and the host of its slot 0.
    static func project(_ gateway: Gateway, _ id: String, slug: String = "shop") async throws -> (ContainerRecord, String) {
        let lifecycle = try #require(gateway.lifecycle)
        let project = ProjectID(trusted: id)
        _ = try await lifecycle.ensure(EnsureRequest(workspace: Self.workspace, project: project, slug: ProjectSlug(trusted: slug)))
        let record = try #require(try await gateway.ports.store.container(project))
        let host = gateway.settings.previewRouting.host(
            slug: try #require(record.projectSlug), token: try #require(record.previewToken), port: try PreviewPort(validating: 3000)
        )
        return (record, host)
    }

    @Test("ten concurrent visits of a suspended project's preview start its container once, and say it is starting")
    func wakesOnce() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let gateway = try Self.gateway(app, standIn)
            let wake = try #require(gateway.previewWake)
            let (record, host) = try await Self.project(gateway, "proj_1")
            let uuid = try #require(record.serviceUUID)
            _ = try await gateway.ports.store.transitionContainer(record.projectID, from: .provisioning, to: .running, at: Date())
            _ = try await gateway.lifecycle?.suspend(workspace: Self.workspace, project: record.projectID)
            let outcomes = try await withThrowingTaskGroup(of: PreviewWake.Outcome.self) { group in
                for _ in 0..<10 { group.addTask { try await wake.visit(host: host.uppercased() + ":443") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes == Array(repeating: .starting, count: 10))
            try await eventually("the container runs", within: .seconds(20)) {
                try await app.store.container(record.projectID)?.state == .running
            }
            #expect(await standIn.count("POST", "/services/\(uuid)/start") == 1)
            // Running, but nothing serves slot 0.
            #expect(try await wake.visit(host: host) == .noDevServer)
            try await app.store.close()
        }
    }

    @Test("unknown and malformed hosts, and other domains, name nothing; a failed dev server or container says so")
    func outcomes() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let gateway = try Self.gateway(app, standIn)
            let wake = try #require(gateway.previewWake)
            let (record, host) = try await Self.project(gateway, "proj_1")
            let token = try #require(record.previewToken)
            let stranger = PreviewToken.random()
            for foreign in [
                host.replacingOccurrences(of: token.base32, with: stranger.base32), "p0-shop.preview.test", "preview.test",
                "p0-shop-\(token.base32).preview.other", "x.\(host)", "p0-shop-\(token.rawValue).preview.test",
            ] {
                #expect(try await wake.visit(host: foreign) == .unknown, "\(foreign)")
            }
            #expect(try await wake.visit(host: host) == .starting, "provisioning")
            _ = try await app.store.transitionContainer(record.projectID, from: .provisioning, to: .running, at: Date())
            let server = DevServerRecord(
                id: .random(), projectID: record.projectID, workspace: Self.workspace, name: "web", command: "npm run dev",
                port: try PreviewPort(validating: 3000), pid: 42, previewURL: "", state: .starting, startedAt: Date(), stoppedAt: nil
            )
            try await app.store.insertDevServer(server)
            #expect(try await wake.visit(host: host) == .starting, "its dev server starts")
            _ = try await app.store.transitionDevServer(
                server.id, project: record.projectID, from: .starting, to: .failed, failureReason: "SECRET=hunter2 in the log", at: Date()
            )
            #expect(try await wake.visit(host: host) == .failed)
            _ = try await app.store.transitionContainer(record.projectID, from: .running, to: .failed, at: Date())
            #expect(try await wake.visit(host: host) == .failed)
            try await app.store.close()
        }
    }

    @Test("a wake the quota refuses is tried at most once a minute, and the visitor is told why")
    func quotaRefused() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let gateway = try Self.gateway(app, standIn, quota: 1)
            let wake = try #require(gateway.previewWake)
            let (sleeping, host) = try await Self.project(gateway, "proj_1")
            _ = try await app.store.transitionContainer(sleeping.projectID, from: .provisioning, to: .suspended, at: Date())
            _ = try await Self.project(gateway, "proj_2", slug: "other")
            #expect(try await wake.visit(host: host) == .starting)
            let refused = try await eventually("the refusal is remembered", within: .seconds(20)) { () async throws -> (value: String?, observed: String) in
                let outcome = try await wake.visit(host: host)
                guard case .cannotStart(let reason) = outcome else { return (nil, "\(outcome)") }
                return (reason, "\(outcome)")
            }
            #expect(refused.contains("limit"))
            #expect(await standIn.count("POST", "/services/\(try #require(sleeping.serviceUUID))/start") == 0)
            #expect(try await app.store.container(sleeping.projectID)?.state == .suspended)
            try await app.store.close()
        }
    }
}
