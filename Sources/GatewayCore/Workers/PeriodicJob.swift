import ServiceLifecycle

/// Asks a ``runPeriodically(every:jitter:doorbell:_:)`` job for a run soon, without waiting. Rings while a run is
/// under way collapse into one more run.
public struct Doorbell: Sendable {
    let rings: AsyncStream<Void>
    let continuation: AsyncStream<Void>.Continuation

    public init() {
        (self.rings, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a run; returns at once.
    public func ring() {
        self.continuation.yield()
    }
}

/// The periodic-job helper of every background service: runs `body` every `interval` (each wait varied at random by
/// up to ±`jitter`, 0 to 1) and whenever `doorbell` rings, one run at a time, until graceful shutdown or cancellation.
/// The first run comes one interval after start (or at the first ring): `serve` migrates the store meanwhile.
/// - Parameter body: One run; it gets the number of the run, from 1. It handles its own errors.
public func runPeriodically(
    every interval: Duration, jitter: Double = 0, doorbell: Doorbell = Doorbell(), _ body: @escaping @Sendable (Int) async -> Void
) async {
    let jitter = min(max(jitter, 0), 1)
    await withTaskGroup(of: Void.self) { group in
        group.addTask {
            while true {
                do { try await Task.sleep(for: interval * (1 + Double.random(in: -jitter...jitter))) } catch { return }
                doorbell.ring()
            }
        }
        var run = 0
        for await _ in doorbell.rings.cancelOnGracefulShutdown() {
            run += 1
            await body(run)
        }
        group.cancelAll()
    }
}
