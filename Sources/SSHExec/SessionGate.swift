import GatewayCore

/// Bounds how many commands run at once on one SSH host, so the gateway stays within a stock sshd's limits
/// (`MaxSessions 10` per multiplexed connection, `MaxStartups 10:30:100` for connections being set up).
///
/// Callers over the bound wait in arrival order; one that has waited `queueTimeout` gives up with 503 `ssh_busy`.
actor SessionGate {
    let capacity: Int
    let queueTimeout: Duration
    private var running = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    init(capacity: Int, queueTimeout: Duration) {
        self.capacity = max(1, capacity)
        self.queueTimeout = queueTimeout
    }

    /// Runs `operation` once a slot is free.
    /// - Throws: ``GatewayError`` `ssh_busy` when no slot freed up within ``queueTimeout``; `CancellationError` when
    ///   the caller was cancelled while waiting; else what `operation` throws.
    func withSlot<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        try await self.acquire()
        defer { self.release() }
        return try await operation()
    }

    // MARK: - Slots

    private func acquire() async throws {
        if self.running < self.capacity, self.waiters.isEmpty {
            self.running += 1
            return
        }
        let id = self.nextID
        self.nextID += 1
        let timeout = self.queueTimeout
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.giveUp(id, with: GatewayError.sshBusy(waited: timeout))
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    self.waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.giveUp(id, with: CancellationError()) }
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        if self.waiters.isEmpty {
            self.running -= 1
        } else {
            self.waiters.removeFirst().continuation.resume()
        }
    }

    /// Ends the wait of caller `id` with `error`, if it is still waiting.
    private func giveUp(_ id: Int, with error: any Error) {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return }
        self.waiters.remove(at: index).continuation.resume(throwing: error)
    }
}

extension GatewayError {
    /// Every command slot of the SSH host stayed busy for the whole wait.
    static func sshBusy(waited: Duration) -> GatewayError {
        GatewayError(
            .unavailable, code: .sshBusy,
            message: "Too many commands are running on the Coolify host; none finished within \(waited.components.seconds) s.",
            hint: "Retry shortly, or raise VIBN_SSH_MAX_SESSIONS (keep it below sshd's MaxSessions).", retryAfterSeconds: 2
        )
    }
}
