/// The queue between the chat-turn route, which answers 202 at once, and the ``ChatTurnProcessor`` that drains it;
/// when it is full the oldest turns are dropped (the route logs each one).
public typealias ChatTurnQueue = JobQueue<ChatTurn>
