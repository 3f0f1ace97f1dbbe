import Events
import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `POST /v1/events/chat-turn`: the chat backend says a turn started or ended. Authenticated by the API bearer
/// token or a Standard Webhooks signature (`GATEWAY_CHAT_TURN_SECRET`) over the raw body; open only when neither is
/// configured. Each `turnId`+`phase` is claimed in the store once and answered 202 at once; the
/// ``ChatTurnProcessor`` applies it in the background. A replay answers 202 and changes nothing; a replica with a
/// full backlog answers 503 with `Retry-After` before claiming anything.
struct ChatTurnController<Context: RequestContext> {
    let directory: ProjectDirectory
    /// Whether a container lifecycle (Coolify) is configured; without one `started` answers 503.
    let lifecycleConfigured: Bool
    let processor: ChatTurnProcessor
    let auth: Auth

    static var path: RouterPath { "events/chat-turn" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(Self.path) { request, context in try await self.receive(request: request, context: context) }
        group.methodNotAllowed(Self.path, allowed: [.post])
    }

    /// The body of `POST /v1/events/chat-turn`.
    struct Body: Decodable {
        let workspace: WorkspaceSlug
        let projectId: ProjectID
        let projectSlug: ProjectSlug
        let turnId: TurnID
        let phase: ChatTurnPhase
    }

    /// The 202 reply: the container's state now (`provisioning` when a started turn will create it).
    struct Reply: ResponseEncodable {
        let state: String
        let serviceUuid: String?
    }

    func receive(request: Request, context: Context) async throws -> EditedResponse<Reply> {
        let now = self.directory.clock.now
        // Everything the headers can tell is checked before the body is read; the signature covers the raw bytes,
        // so they are read before anything is decoded.
        let credential = try self.auth.credential(request.headers, now: now)
        let bytes = try await request.body.collect(upTo: context.maxUploadSize)
        if case .signature(let headers) = credential { try self.auth.verifySignature(headers, body: bytes) }
        let body = try JSONBody.decode(Body.self, from: bytes)
        if body.phase == .started, !self.lifecycleConfigured { throw GatewayError.coolifyNotConfigured }
        let record = try await self.directory.container(workspace: body.workspace, project: body.projectId)
        let turn = ChatTurn(
            workspace: body.workspace, project: body.projectId, slug: body.projectSlug, turn: body.turnId, phase: body.phase, receivedAt: now
        )
        if try await self.processor.accept(turn) {
            context.logger.info("accepted a chat turn", metadata: turn.logMetadata)
        } else {
            context.logger.info("ignored a replayed chat turn", metadata: turn.logMetadata)
        }
        let state = record?.state.rawValue ?? (body.phase == .started ? ContainerState.provisioning.rawValue : "absent")
        return EditedResponse(status: .accepted, response: Reply(state: state, serviceUuid: record?.serviceUUID?.rawValue))
    }
}

// MARK: - Authentication

extension ChatTurnController {
    /// Who may post chat-turn events: the holder of the API token, or a sender signing with the chat-turn secret.
    struct Auth: Sendable {
        let token: String?
        let signer: StandardWebhookSigner?

        /// What a request presents, as far as its headers tell.
        enum Credential {
            /// Nothing is configured: the route is open (loopback only).
            case open
            /// The API bearer token matched.
            case token
            /// Signature headers whose timestamp and shape pass; the body still has to be verified against them.
            case signature(StandardWebhookSigner.SignatureHeaders)
        }

        /// Checks the headers: the bearer token, or signature headers that are well formed and on time.
        /// - Throws: ``APIError`` 401 naming what was wrong, before any body is read.
        func credential(_ headers: HTTPFields, now: Date) throws -> Credential {
            guard self.token != nil || self.signer != nil else { return .open }
            let authorization = headers[.authorization]
            if let token = self.token, let presented = BearerAuthMiddleware<Context>.bearer(authorization),
               ConstantTime.equal(presented, token) {
                return .token
            }
            let signature = (id: headers[.webhookID], timestamp: headers[.webhookTimestamp], value: headers[.webhookSignature])
            if self.signer != nil, signature.id != nil || signature.timestamp != nil || signature.value != nil {
                return .signature(try Self.refusingSignature {
                    try StandardWebhookSigner.checkHeaders(id: signature.id, timestamp: signature.timestamp, signature: signature.value, now: now)
                })
            }
            throw APIError(
                .unauthorized, code: .unauthorized,
                message: authorization == nil ? "No credentials: neither a bearer token nor a signature was sent." : "Wrong bearer token.",
                hint: self.hint, headers: [.wwwAuthenticate: "Bearer"]
            )
        }

        /// Verifies the raw body against headers that ``credential(_:now:)`` passed (one MAC).
        /// - Throws: ``APIError`` 401 `invalid_signature`.
        func verifySignature(_ headers: StandardWebhookSigner.SignatureHeaders, body: ByteBuffer) throws {
            guard let signer = self.signer else { return }
            try Self.refusingSignature { try signer.verify(headers, body: body.readableBytesView) }
        }

        /// Runs `check`, turning a refused signature into 401 `invalid_signature`.
        static func refusingSignature<T>(_ check: () throws -> T) throws -> T {
            do {
                return try check()
            } catch let error as StandardWebhookError {
                throw APIError(
                    .unauthorized, code: .invalidSignature, message: "The Standard Webhooks signature was refused: \(error).",
                    hint: "Sign '{webhook-id}.{webhook-timestamp}.{raw body}' with HMAC-SHA256 keyed by GATEWAY_CHAT_TURN_SECRET."
                )
            }
        }

        var hint: String {
            switch (self.token, self.signer) {
            case (.some, .some): "Send 'Authorization: Bearer <GATEWAY_API_TOKEN>', or sign the body with GATEWAY_CHAT_TURN_SECRET (webhook-id, webhook-timestamp, webhook-signature)."
            case (.some, nil): "Send 'Authorization: Bearer <GATEWAY_API_TOKEN>'."
            default: "Sign the body with GATEWAY_CHAT_TURN_SECRET (webhook-id, webhook-timestamp, webhook-signature)."
            }
        }
    }
}

extension HTTPField.Name {
    static let webhookID = Self("webhook-id")!
    static let webhookTimestamp = Self("webhook-timestamp")!
    static let webhookSignature = Self("webhook-signature")!
}
