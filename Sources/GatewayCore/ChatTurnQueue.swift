/// The queue between the chat-turn route, which answers 202 at once, and the ``ChatTurnProcessor`` that drains it.
/// Bounded: when it is full, the oldest turns are dropped (the route logs each one).
public final class ChatTurnQueue: Sendable {
    let stream: AsyncStream<ChatTurn>
    let continuation: AsyncStream<ChatTurn>.Continuation

    /// - Parameter capacity: How many turns may wait.
    public init(capacity: Int = 1024) {
        (self.stream, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(capacity))
    }

    /// Queues a turn without waiting.
    /// - Returns: The turn dropped to make room, if the queue was full.
    @discardableResult
    public func enqueue(_ turn: ChatTurn) -> ChatTurn? {
        if case .dropped(let oldest) = self.continuation.yield(turn) { return oldest }
        return nil
    }
}
