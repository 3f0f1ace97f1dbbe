import ServiceLifecycle

/// The queue between a caller that must answer at once (a route, the state-change observer) and the background
/// `Service` that drains it. Bounded: when it is full, the oldest jobs are dropped and handed back to the caller.
public final class JobQueue<Job: Sendable>: Sendable {
    let stream: AsyncStream<Job>
    let continuation: AsyncStream<Job>.Continuation

    /// - Parameter capacity: How many jobs may wait.
    public init(capacity: Int = 1024) {
        (self.stream, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(capacity))
    }

    /// Queues `job` without waiting.
    /// - Returns: The job dropped to make room, if the queue was full.
    @discardableResult
    public func enqueue(_ job: Job) -> Job? {
        if case .dropped(let oldest) = self.continuation.yield(job) { return oldest }
        return nil
    }

    /// The queue's worker: hands each job to `handle` until graceful shutdown or cancellation (which also cancels
    /// the jobs in hand). Jobs are handled one at a time in queue order, or each in a child task when `concurrently`.
    /// Only one task may drain a queue.
    public func drain(concurrently: Bool = false, _ handle: @escaping @Sendable (Job) async -> Void) async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await job in self.stream {
                    if concurrently {
                        group.addTask { await handle(job) }
                    } else {
                        await handle(job)
                    }
                }
            }
        }
    }
}
