/// The port that turns state changes into outbound events for the chat backend (implemented by `Events`).
public protocol EventSink: Sendable {
    /// Enqueues the event `change` calls for, if any, through `store`: the change's own transaction, so the two are
    /// stored together or not at all.
    func record(_ change: StoreChange, in store: any StoreQueries) async throws

    /// Whether `change` calls for an event (``record(_:in:)`` writes nothing for any other).
    func callsForEvent(_ change: StoreChange) -> Bool

    /// `change` was committed with its event, if it called for one: deliver soon (returns at once).
    func committed(_ change: StoreChange)
}
