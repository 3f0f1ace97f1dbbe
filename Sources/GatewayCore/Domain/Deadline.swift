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
    let timer = Task {
        try await Task.sleep(for: limit)
        outcome.finish(.failure(DeadlineExceeded(limit: limit)))
    }
    defer {
        work.cancel()
        timer.cancel()
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
