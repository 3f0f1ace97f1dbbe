import Events
import Foundation
@testable import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import Testing

/// Chat turns with the store as their queue: what is accepted is applied, also by the next replica; an overloaded
/// replica refuses before it claims; a turn whose work fails is reported to the chat backend.
@Suite("Durable work: chat turns and webhooks")
struct DurableTurnTests {
    static let acme = WorkspaceSlug(trusted: "acme")

    @Test("turns a replica claimed and never worked off (it died) are applied by the next one, each once")
    func pickedUpAfterAStop() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let projects = (1...3).map { ProjectID(trusted: "proj_\($0)") }
            // Claimed as the route claims them, by a replica that stopped before doing their work.
            for project in projects {
                let turn = ChatTurnFixture.turn("t-\(project)", .started, project: project.rawValue)
                #expect(try await app.store.claimTurn(turn))
            }
            #expect(try await app.store.pendingTurnCount() == 3)
            try await app.test(gateway: app.coolifyGateway(standIn)) { _ in
                try await eventually("every pending turn applied", within: .seconds(60)) { try await app.store.pendingTurnCount() == 0 }
                for project in projects {
                    #expect(try await app.store.container(project)?.serviceUUID != nil, "\(project)")
                }
                #expect(await standIn.count("POST", "/services") == 3)
            }
        }
    }

    @Test("a full backlog answers 503 with Retry-After and claims nothing; a replay of a waiting turn is 202")
    func overloaded() async throws {
        let app = try await TestApp.make()
        var settings = GatewaySettings.testing()
        settings.turns.backlog = 2
        // The router alone: nothing works the turns off, so they stay waiting.
        let router = try buildRouter(app.gateway(settings: settings), http: HTTPSettings(apiToken: TestApp.token))
        try await Application(router: router, logger: Logger(label: "http-tests")).test(.router) { client in
            for id in ["t-1", "t-2"] {
                #expect(try await client.chatTurn(ChatTurnFixture.body(turn: id)).status == .accepted)
            }
            let refused = try await client.chatTurn(ChatTurnFixture.body(turn: "t-3"))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "5")
            #expect(try refused.errorBody().error.code == "overloaded")
            #expect(try await app.store.pendingTurnCount() == 2)
            #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-1")).status == .accepted)
        }
        try await app.store.close()
    }

    @Test("turns another replica applied stop counting against this replica's backlog at its next scan of the store")
    func backlogForgetsTurnsAppliedElsewhere() async throws {
        let app = try await TestApp.make()
        var settings = GatewaySettings.testing()
        settings.turns.backlog = 2
        let gateway = app.gateway(settings: settings)
        // The router alone: this replica works nothing off; the other one (below, through the store) does.
        let router = try buildRouter(gateway, http: HTTPSettings(apiToken: TestApp.token))
        try await Application(router: router, logger: Logger(label: "http-tests")).test(.router) { client async throws in
            for id in ["t-1", "t-2"] {
                #expect(try await client.chatTurn(ChatTurnFixture.body(turn: id)).status == .accepted)
            }
            // Another replica held the project's lease and applied both turns.
            for id in ["t-1", "t-2"] {
                #expect(try await app.store.finishTurn(ChatTurnFixture.turn(id, .ended), outcome: .applied, at: Date()))
            }
            #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-3")).status == .serviceUnavailable)
            await gateway.chatTurns.scan()
            #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-3")).status == .accepted)
            // A turn still pending keeps counting: the backlog holds t-3 and one more.
            #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-4")).status == .accepted)
            await gateway.chatTurns.scan()
            #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-5")).status == .serviceUnavailable)
        }
        try await app.store.close()
    }

    @Test("a started turn over the quota is finished as failed and sent as chat_turn.failed with its code")
    func failureReported() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let recorder = EventRecorder(store: app.store, logger: Logger(label: "http-tests"), wake: {})
            try await app.test(gateway: app.coolifyGateway(standIn, quota: 0, events: recorder)) { client in
                #expect(try await client.chatTurn(ChatTurnFixture.body(turn: "t-over", phase: "started")).status == .accepted)
                // The event is recorded right after the turn is finished (not yet in the same transaction).
                try await eventually("a chat_turn.failed event recorded", within: .seconds(60)) {
                    try await app.store.pendingEvents(createdAfter: .distantPast, limit: 10).contains { $0.type == .chatTurnFailed }
                }
                #expect(try await app.store.pendingTurnCount() == 0)
                let events = try await app.store.pendingEvents(createdAfter: .distantPast, limit: 10)
                let failed = try #require(events.first { $0.type == .chatTurnFailed })
                let data = try #require(
                    (try JSONSerialization.jsonObject(with: Data(failed.body.utf8)) as? [String: Any])?["data"] as? [String: Any]
                )
                #expect(data["turnId"] as? String == "t-over")
                #expect(data["phase"] as? String == "started")
                #expect(data["code"] as? String == "quota_exceeded")
                #expect(data["projectId"] as? String == "proj_1")
                #expect((data["message"] as? String)?.isEmpty == false)
                #expect(await standIn.count("POST", "/services") == 0)
            }
        }
    }

    @Test("a Coolify webhook a replica accepted and never applied (it died) is applied by the next one")
    func webhookPickedUpAfterAStop() async throws {
        try await CoolifyStandIn.withRunning { standIn in
            let app = try await TestApp.make()
            let gateway = app.coolifyGateway(standIn)
            let project = ProjectID(trusted: "proj_1")
            let uuid = try #require(try await gateway.lifecycle?.ensure(
                EnsureRequest(workspace: Self.acme, project: project, slug: ProjectSlug(trusted: "app"))
            ).serviceUuid)
            // Recorded as the route records it, by a replica that stopped before applying it.
            let unreachable = WebhookDelivery(digest: "down-\(uuid)", event: .serverUnreachable(serverUUID: standIn.serverUUID), receivedAt: Date())
            #expect(try await app.store.claimDelivery(unreachable, ttl: .seconds(3600)))
            try await app.test(gateway: gateway) { _ in
                try await eventually("every webhook delivery applied", within: .seconds(60)) { try await app.store.pendingDeliveries(limit: 10).isEmpty }
                #expect(try await app.store.diagnostics(project).coolifyStatus == "server:unreachable")
            }
        }
    }
}
