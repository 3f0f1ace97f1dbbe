import Synchronization

/// An operation that did not finish within its time limit.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "did not finish within \(self.limit)" }
}

/// Runs `operation`, cancelling it when it takes longer than `limit`.
/// - Throws: ``DeadlineExceeded`` on expiry, or whatever `operation` throws.
public func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension Duration {
    /// The whole milliseconds in this duration.
    public var milliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Runs `operation` for at most `limit` and, unlike ``withDeadline(_:_:)``, never waits for it past that: on expiry
/// (or when the caller is cancelled) the caller gets ``DeadlineExceeded`` (or `CancellationError`) at once, and
/// `operation` is cancelled and left to end on its own. For work that may not honour cancellation (a database query
/// already on the wire) that a caller must not wait for.
public func withDeadlineNotWaiting<T: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    let work = Task {
        do { outcome.finish(.success(try await operation())) } catch { outcome.finish(.failure(error)) }
    }
    let alarm = DeadlineWatchdog.shared.set(ContinuousClock.now + limit) { outcome.finish(.failure(DeadlineExceeded(limit: limit))) }
    defer {
        work.cancel()
        DeadlineWatchdog.shared.clear(alarm)
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { outcome.wait($0) }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
    }
}

/// The first result of a race, handed to the one waiter exactly once.
private final class Outcome<T: Sendable>: Sendable {
    private let state = Mutex<(waiter: CheckedContinuation<T, any Error>?, result: Result<T, any Error>?)>((nil, nil))

    func wait(_ waiter: CheckedContinuation<T, any Error>) {
        let ready = self.state.withLock { state -> Result<T, any Error>? in
            if let result = state.result { return result }
            state.waiter = waiter
            return nil
        }
        if let ready { waiter.resume(with: ready) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiter = self.state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(with: result)
    }
}

/// The alarms of ``withDeadlineNotWaiting(_:_:)``, rung by one timer task for the whole process (checking every
/// ``tick`` while any alarm is set, stopping when none is) instead of a sleeping task per call: that call wraps every
/// database query, which then needs no timer task and dispatch timer of its own.
final class DeadlineWatchdog: Sendable {
    static let shared = DeadlineWatchdog()
    /// How late an alarm may ring.
    static let tick = Duration.milliseconds(20)

    private struct Alarms: ~Copyable {
        var next: UInt64 = 0
        var set: [UInt64: (at: ContinuousClock.Instant, ring: @Sendable () -> Void)] = [:]
        var watching = false
    }

    private let alarms = Mutex(Alarms())

    /// Sets an alarm that calls `ring` once `deadline` has passed, unless cleared first.
    /// - Returns: The alarm, for ``clear(_:)``.
    func set(_ deadline: ContinuousClock.Instant, ring: @escaping @Sendable () -> Void) -> UInt64 {
        let (alarm, startWatching) = self.alarms.withLock { alarms in
            alarms.next += 1
            alarms.set[alarms.next] = (deadline, ring)
            defer { alarms.watching = true }
            return (alarms.next, !alarms.watching)
        }
        if startWatching { Task.detached { await self.watch() } }
        return alarm
    }

    /// Clears an alarm that has not rung.
    func clear(_ alarm: UInt64) {
        self.alarms.withLock { _ = $0.set.removeValue(forKey: alarm) }
    }

    /// Rings the alarms that are due every tick, until none is set.
    private func watch() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let (due, done) = self.alarms.withLock { alarms in
                let due = alarms.set.filter { $0.value.at <= now }
                for alarm in due.keys { alarms.set.removeValue(forKey: alarm) }
                // Decided under the lock, so an alarm set meanwhile either is seen here or starts a new watch.
                if alarms.set.isEmpty { alarms.watching = false }
                return (due.values.map(\.ring), !alarms.watching)
            }
            for ring in due { ring() }
            if done { return }
        }
    }
}
