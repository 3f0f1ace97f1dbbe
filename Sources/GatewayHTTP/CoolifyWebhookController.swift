import Coolify
import Crypto
import Foundation
import GatewayCore
import Hummingbird
import Logging

/// `POST /v1/webhooks/coolify/{secret}`: Coolify's notifications. The secret in the path is the only credential
/// (Coolify signs nothing); a wrong one is answered like an unknown route. Every body is accepted with 200 once the
/// ``WebhookProcessor`` has recorded it as pending (a replay is not recorded); it is applied in the background.
struct CoolifyWebhookController<Context: RequestContext> {
    /// The configured `COOLIFY_WEBHOOK_SECRET`; nil: the route answers 404 to everything.
    let secret: String?
    /// Applies the deliveries; nil (no Coolify configured): the route answers 404 to everything.
    let webhooks: WebhookProcessor?
    let clock: any WallClock

    static var path: RouterPath { "webhooks/coolify/:secret" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(Self.path) { request, context in try await self.receive(request: request, context: context) }
        // Whatever the secret: a 405 reveals only that the route exists, which the API documents.
        group.methodNotAllowed(Self.path, allowed: [.post])
    }

    struct Accepted: ResponseEncodable {
        let accepted: Bool
    }

    func receive(request: Request, context: Context) async throws -> Accepted {
        guard let secret = self.secret, let webhooks = self.webhooks,
              ConstantTime.equal(context.parameters.get("secret") ?? "", secret)
        else {
            throw APIError(.notFound, code: .notFound, message: "No such route.")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(body.readableBytesView)
        let event = CoolifyWebhookPayload.event(from: bytes)
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        try await webhooks.accept(WebhookDelivery(digest: digest, event: event, receivedAt: self.clock.now))
        context.logger.info("accepted a Coolify webhook", metadata: ["coolify.event": "\(event.name)", "webhook.bytes": "\(bytes.count)"])
        return Accepted(accepted: true)
    }
}
