import Events
import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Chat-turn requests as the chat backend sends them, and a way to run background services beside a test.
enum ChatTurnFixture {
    static let path = "/v1/events/chat-turn"
    static let signer = try! StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret())

    /// The JSON body of a chat-turn event.
    static func body(
        turn: String = "turn-\(UUID().uuidString)", phase: String = "ended", workspace: String = "acme",
        project: String = "proj_1", slug: String = "app"
    ) -> String {
        #"{"workspace":"\#(workspace)","projectId":"\#(project)","projectSlug":"\#(slug)","turnId":"\#(turn)","phase":"\#(phase)"}"#
    }

    /// The turn a body describes, as the store records it (to check whether it was claimed).
    static func turn(_ id: String, _ phase: ChatTurnPhase, project: String = "proj_1", at date: Date = Date()) -> ChatTurn {
        ChatTurn(
            workspace: WorkspaceSlug(trusted: "acme"), project: ProjectID(trusted: project), slug: ProjectSlug(trusted: "app"),
            turn: TurnID(trusted: id), phase: phase, receivedAt: date
        )
    }

    /// Standard Webhooks headers signing `body` at `date` with ``signer`` (or `other`).
    static func signed(_ body: String, at date: Date = Date(), by other: StandardWebhookSigner? = nil) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in (other ?? self.signer).headers(id: "msg_\(UUID().uuidString)", timestamp: date, body: Data(body.utf8)) {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }
}

extension TestClientProtocol {
    /// `POST /v1/events/chat-turn` with `json` and `headers` (the bearer token by default).
    func chatTurn(_ json: String, headers: HTTPFields = TestApp.authorized) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await self.execute(uri: ChatTurnFixture.path, method: .post, headers: headers, body: ByteBuffer(string: json))
    }
}
