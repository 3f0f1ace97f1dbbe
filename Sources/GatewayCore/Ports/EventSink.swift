/// The port that turns state changes into outbound events for the chat backend (implemented by `Events`).
public protocol EventSink: Sendable {
    /// Records the event `change` calls for, if any, without waiting on the network; a failure is logged, never thrown.
    func record(_ change: StoreChange) async
}
