/// A process-wide lock for tests that bind host ports 3000–3009: the docker stand-in shares the host's network
/// namespace, and Swift Testing runs suites in parallel, so two such tests would otherwise fight over the ports.
public enum PreviewPortLock {
    /// Runs `body` while no other holder of the lock runs; waiters are served first come, first served.
    public static func withLock<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async rethrows -> T {
        await PreviewPortLockState.shared.acquire()
        do {
            let result = try await body()
            await PreviewPortLockState.shared.release()
            return result
        } catch {
            await PreviewPortLockState.shared.release()
            throw error
        }
    }
}

// MARK: - State

/// The holder flag and the queue of waiters behind `PreviewPortLock`.
actor PreviewPortLockState {
    static let shared = PreviewPortLockState()

    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard self.held else {
            self.held = true
            return
        }
        await withCheckedContinuation { continuation in
            self.waiters.append(continuation)
        }
    }

    func release() {
        guard !self.waiters.isEmpty else {
            self.held = false
            return
        }
        // Ownership passes straight to the next waiter: `held` stays true.
        self.waiters.removeFirst().resume()
    }
}
