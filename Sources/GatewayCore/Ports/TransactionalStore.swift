/// The store's transactions: a state change and what it implies (its outbound event) are written together, or
/// neither is.
public protocol TransactionalStore: Sendable {
    /// Runs `body` in one transaction: what it does through the store it is given commits when `body` returns and is
    /// undone when it throws. Called inside a transaction, `body` joins it.
    func withTransaction<T: Sendable>(_ body: @escaping @Sendable (any GatewayStore) async throws -> T) async throws -> T
}
