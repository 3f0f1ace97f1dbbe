import ArgumentParser

/// The chat backend's side of the gateway: signed events in (chat turns) and out (state changes), and the idle sweep.
struct EventsOptions: ParsableArguments {
    @Option(help: "Standard Webhooks secret ('whsec_' + base64) that signs outbound events and may sign inbound chat-turn events. Prefer the environment for secrets. (env: GATEWAY_EVENTS_SECRET)")
    var eventsSecret: String?

    @Option(help: "Where outbound events are POSTed; unset: none are sent. (env: GATEWAY_EVENTS_URL)")
    var eventsURL: String?

    /// `--events-secret`, else `GATEWAY_EVENTS_SECRET`.
    var secret: String? { Setting.string(self.eventsSecret, env: "GATEWAY_EVENTS_SECRET") }

    /// `--events-url`, else `GATEWAY_EVENTS_URL`.
    var url: String? { Setting.string(self.eventsURL, env: "GATEWAY_EVENTS_URL") }
}
