import Events
import Foundation
import GatewayCore
import GatewayHTTP
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing

/// `POST /v1/events/chat-turn`: who may post, what is validated, and what is answered at once.
@Suite("Chat-turn route")
struct ChatTurnRouteTests {
    @Test("the bearer token or a Standard Webhooks signature is accepted with 202, and the turn is claimed")
    func accepted() async throws {
        let app = try await TestApp.make()
        let store = app.store
        try await app.test(configure: { $0.chatTurnSigner = ChatTurnFixture.signer }) { client throws in
            let bearer = try await client.chatTurn(ChatTurnFixture.body(turn: "t-bearer"))
            #expect(bearer.status == .accepted)
            #expect(try bearer.json()["state"] as? String == "absent")

            let body = ChatTurnFixture.body(turn: "t-signed")
            let signed = try await client.chatTurn(body, headers: ChatTurnFixture.signed(body))
            #expect(signed.status == .accepted)
            for id in ["t-bearer", "t-signed"] {
                #expect(try await store.claimTurn(ChatTurnFixture.turn(id, .ended)) == false, "\(id) was not recorded")
            }
        }
    }

    @Test("a wrong or stale signature, a wrong token or none is 401 naming what was wrong, and nothing is stored")
    func refused() async throws {
        let app = try await TestApp.make()
        let store = app.store
        try await app.test(configure: { $0.chatTurnSigner = ChatTurnFixture.signer }) { client throws in
            let other = try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret())
            let wrongKey = ChatTurnFixture.body(turn: "t-wrong-key")
            let stale = ChatTurnFixture.body(turn: "t-stale")
            let tampered = ChatTurnFixture.body(turn: "t-tampered")
            let partial = ChatTurnFixture.body(turn: "t-partial")
            let unsigned = ChatTurnFixture.body(turn: "t-none")
            let badToken = ChatTurnFixture.body(turn: "t-bad-token")
            var withoutID = ChatTurnFixture.signed(partial)
            withoutID[HTTPField.Name("webhook-id")!] = nil
            let cases: [(id: String, body: String, headers: HTTPFields, code: String, words: String)] = [
                ("t-wrong-key", wrongKey, ChatTurnFixture.signed(wrongKey, by: other), "invalid_signature", "matches"),
                ("t-stale", stale, ChatTurnFixture.signed(stale, at: Date().addingTimeInterval(-6 * 60)), "invalid_signature", "5 minutes"),
                ("t-tampered", tampered.replacingOccurrences(of: "ended", with: "started"), ChatTurnFixture.signed(tampered),
                 "invalid_signature", "matches"),
                ("t-partial", partial, withoutID, "invalid_signature", "webhook-id"),
                ("t-none", unsigned, [:], "unauthorized", "No credentials"),
                ("t-bad-token", badToken, [.authorization: "Bearer nope"], "unauthorized", "Wrong bearer token"),
            ]
            for (id, body, headers, code, words) in cases {
                let response = try await client.chatTurn(body, headers: headers)
                #expect(response.status == .unauthorized, "\(id)")
                let error = try response.errorBody().error
                #expect(error.code == code, "\(id)")
                let message = error.message
                #expect(message.contains(words), "\(id): \(message)")
                for phase in ChatTurnPhase.allCases {
                    #expect(try await store.claimTurn(ChatTurnFixture.turn(id, phase)), "\(id) \(phase) was recorded")
                }
            }
        }
    }

    @Test("with neither a token nor a secret configured, the route is open (loopback only)")
    func open() async throws {
        try await TestApp.make().test(apiToken: nil) { client throws in
            #expect(try await client.chatTurn(ChatTurnFixture.body(), headers: [:]).status == .accepted)
        }
    }

    @Test("each field is validated: 400 invalid_<field>; a foreign project is 404; started without Coolify is 503")
    func validation() async throws {
        let app = try await TestApp.make()
        _ = try await app.store.reserveContainer(
            ContainerReservation(projectID: ProjectID(trusted: "proj_1"), workspace: WorkspaceSlug(trusted: "acme"),
                                 projectSlug: ProjectSlug(trusted: "app"), image: "vibn-dev:latest"),
            at: Date()
        )
        try await app.test { client throws in
            let cases: [(String, String)] = [
                (ChatTurnFixture.body(workspace: "Acme"), "invalid_workspace"),
                (ChatTurnFixture.body(project: "proj 1"), "invalid_project_id"),
                (ChatTurnFixture.body(slug: "-app"), "invalid_project_slug"),
                (ChatTurnFixture.body(turn: "turn/1"), "invalid_turn_id"),
                (ChatTurnFixture.body(turn: String(repeating: "t", count: 129)), "invalid_turn_id"),
                (ChatTurnFixture.body(phase: "paused"), "invalid_phase"),
                (#"{"workspace":"acme","projectId":"proj_1","projectSlug":"app","turnId":"t1"}"#, "invalid_phase"),
                ("not json", "invalid_json"),
            ]
            for (body, code) in cases {
                let response = try await client.chatTurn(body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorBody().error.code == code, "\(body)")
            }
            let foreign = try await client.chatTurn(ChatTurnFixture.body(workspace: "other"))
            #expect(foreign.status == .notFound)
            #expect(try foreign.errorBody().error.code == "project_not_found")
            let started = try await client.chatTurn(ChatTurnFixture.body(phase: "started"))
            #expect(started.status == .serviceUnavailable)
            #expect(try started.errorBody().error.code == "coolify_not_configured")
            let ended = try await client.chatTurn(ChatTurnFixture.body(turn: "t-ok"))
            #expect(ended.status == .accepted)
            #expect(try ended.json()["state"] as? String == "provisioning")
            let wrongMethod = try await client.execute(uri: ChatTurnFixture.path, method: .get, headers: TestApp.authorized)
            #expect(wrongMethod.status == .methodNotAllowed)
        }
    }
}
