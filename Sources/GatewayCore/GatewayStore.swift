/// Everything the gateway keeps: containers and their lifecycle diagnostics, and dev servers.
/// Both `SQLiteStore` and `PostgresStore` implement all of it.
public typealias GatewayStore = LifecycleStore & DevServerStore
