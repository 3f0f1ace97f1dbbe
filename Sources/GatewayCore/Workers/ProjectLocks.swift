/// Mutual exclusion per project: one holder per project at a time, waiters served in arrival order;
/// different projects never wait for each other. In-process only (replicas do not see each other's holds).
public actor ProjectLocks {
    private var held: Set<ProjectID> = []
    private var waiters: [ProjectID: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Runs `body` while holding `project`'s lock.
    public func withLock<T: Sendable>(_ project: ProjectID, _ body: @Sendable () async throws -> T) async rethrows -> T {
        await self.acquire(project)
        do {
            let result = try await body()
            self.release(project)
            return result
        } catch {
            self.release(project)
            throw error
        }
    }

    private func acquire(_ project: ProjectID) async {
        guard self.held.contains(project) else {
            self.held.insert(project)
            return
        }
        await withCheckedContinuation { self.waiters[project, default: []].append($0) }
    }

    /// Hands the lock to the next waiter, or frees it.
    private func release(_ project: ProjectID) {
        guard var queue = self.waiters[project], !queue.isEmpty else {
            self.held.remove(project)
            return
        }
        let next = queue.removeFirst()
        self.waiters[project] = queue.isEmpty ? nil : queue
        next.resume()
    }
}
