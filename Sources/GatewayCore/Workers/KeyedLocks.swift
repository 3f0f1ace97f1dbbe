/// Mutual exclusion per key: one holder per key at a time, waiters served in arrival order; different keys never
/// wait for each other. In-process only (replicas do not see each other's holds).
public actor KeyedLocks<Key: Hashable & Sendable> {
    private var held: Set<Key> = []
    private var waiters: [Key: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Runs `body` while holding `key`'s lock.
    public func withLock<T: Sendable>(_ key: Key, _ body: @Sendable () async throws -> T) async rethrows -> T {
        await self.acquire(key)
        do {
            let result = try await body()
            self.release(key)
            return result
        } catch {
            self.release(key)
            throw error
        }
    }

    private func acquire(_ key: Key) async {
        guard self.held.contains(key) else {
            self.held.insert(key)
            return
        }
        await withCheckedContinuation { self.waiters[key, default: []].append($0) }
    }

    /// Hands the lock to the next waiter, or frees it.
    private func release(_ key: Key) {
        guard var queue = self.waiters[key], !queue.isEmpty else {
            self.held.remove(key)
            return
        }
        let next = queue.removeFirst()
        self.waiters[key] = queue.isEmpty ? nil : queue
        next.resume()
    }
}

/// One lock per project.
public typealias ProjectLocks = KeyedLocks<ProjectID>
