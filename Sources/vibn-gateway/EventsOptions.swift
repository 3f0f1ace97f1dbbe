import ArgumentParser
import Events

/// The chat backend's side of the gateway: signed events in (chat turns) and out (state changes), and the idle sweep.
struct EventsOptions: ParsableArguments {
    @Option(help: "Standard Webhooks secret ('whsec_' + base64) that signs outbound events only. Prefer the environment for secrets. (env: GATEWAY_EVENTS_SECRET)")
    var eventsSecret: String?

    @Option(help: "Where outbound events are POSTed; unset: none are sent. (env: GATEWAY_EVENTS_URL)")
    var eventsURL: String?

    @Option(help: "Standard Webhooks secret ('whsec_' + base64) that may sign inbound chat-turn events instead of the API token; kept apart from the events secret so no events receiver can forge a turn. Prefer the environment. (env: GATEWAY_CHAT_TURN_SECRET)")
    var chatTurnSecret: String?

    /// `--events-secret`, else `GATEWAY_EVENTS_SECRET`.
    var secret: String? { Setting.string(self.eventsSecret, env: "GATEWAY_EVENTS_SECRET") }

    /// `--events-url`, else `GATEWAY_EVENTS_URL`.
    var url: String? { Setting.string(self.eventsURL, env: "GATEWAY_EVENTS_URL") }

    /// The verifier of inbound chat-turn signatures (`--chat-turn-secret`, else `GATEWAY_CHAT_TURN_SECRET`); nil when unset.
    /// - Throws: `ValidationError` when the secret is malformed or equals the events secret (an events receiver could
    ///   then forge turns), so `serve` stops before anything opens.
    func chatTurnSigner() throws -> StandardWebhookSigner? {
        try Setting.string(self.chatTurnSecret, env: "GATEWAY_CHAT_TURN_SECRET").map { secret in
            guard secret != self.secret else {
                throw ValidationError("GATEWAY_CHAT_TURN_SECRET must differ from GATEWAY_EVENTS_SECRET: whoever receives events could forge chat turns")
            }
            do { return try StandardWebhookSigner(secret: secret) } catch {
                throw ValidationError("GATEWAY_CHAT_TURN_SECRET is malformed: \(error)")
            }
        }
    }
}
