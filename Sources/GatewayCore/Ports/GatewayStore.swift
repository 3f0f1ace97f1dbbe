/// What core services read and record without anyone reacting: containers and their lifecycle diagnostics, dev
/// servers, autosaves, the outbound events outbox, chat turns, ships, and what the status page shows. State changes go
/// through ``StateChanges``.
public typealias StoreQueries = LifecycleStore & DevServerStore & AutosaveStore & OutboxStore & ChatTurnStore
    & ProjectLeaseStore & StatusStore & ShipStore

/// Everything the gateway keeps: its queries, its state changes and their transactions. Both `SQLiteStore` and
/// `PostgresStore` implement all of it.
public typealias GatewayStore = StoreQueries & StateChanges & TransactionalStore
