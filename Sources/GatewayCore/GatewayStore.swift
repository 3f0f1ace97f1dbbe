/// Everything the gateway keeps: containers and their lifecycle diagnostics, dev servers, and autosaves.
/// Both `SQLiteStore` and `PostgresStore` implement all of it.
public typealias GatewayStore = LifecycleStore & DevServerStore & AutosaveStore
