/// Everything the gateway keeps: containers and their lifecycle diagnostics, dev servers, autosaves, the outbound events outbox, and chat turns.
/// Both `SQLiteStore` and `PostgresStore` implement all of it.
public typealias GatewayStore = LifecycleStore & DevServerStore & AutosaveStore & OutboxStore & ChatTurnStore
