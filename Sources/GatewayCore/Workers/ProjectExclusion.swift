import Foundation

/// Work on a project that must not run twice at once, neither in this process nor across replicas: an in-process
/// lock per project, then the project's store lease for ``purpose`` (waited for while another replica holds it).
public struct ProjectExclusion: Sendable {
    public let purpose: LeasePurpose
    let store: any ProjectLeaseStore
    /// This replica's id in the leases.
    let owner: String
    /// How long a lease lasts: longer than any one piece of the work it guards, so it never lapses under it.
    let leaseDuration: Duration
    /// How long a caller waits for another replica to finish before giving up.
    let wait: Duration
    let locks = ProjectLocks()

    public init(purpose: LeasePurpose, store: any ProjectLeaseStore, owner: String, leaseDuration: Duration, wait: Duration) {
        self.purpose = purpose
        self.store = store
        self.owner = owner
        self.leaseDuration = leaseDuration
        self.wait = wait
    }

    /// Runs `body` while no other caller, here or on another replica, runs work of this purpose on `project`.
    /// - Throws: ``GatewayError`` `project_busy` when another replica kept the project longer than ``wait``; what
    ///   `body` throws.
    public func run<T: Sendable>(_ project: ProjectID, _ body: @Sendable () async throws -> T) async throws -> T {
        try await self.locks.withLock(project) {
            try await self.acquire(project)
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            try? await self.store.releaseProjectLease(project, for: self.purpose, owner: self.owner)
            return try result.get()
        }
    }

    /// Takes the lease, polling while another replica holds it.
    func acquire(_ project: ProjectID) async throws {
        let deadline = ContinuousClock.now + self.wait
        while true {
            // Leases measure real time, whatever clock the records carry.
            let now = Date()
            let until = now.addingTimeInterval(self.leaseDuration.timeInterval)
            if try await self.store.acquireProjectLease(project, for: self.purpose, owner: self.owner, until: until, now: now) { return }
            guard ContinuousClock.now < deadline else { throw GatewayError.projectBusy(project, purpose: self.purpose) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

extension GatewayError {
    /// Another replica kept working on the project (an autosave, a dev-server start) for longer than a caller waits.
    static func projectBusy(_ project: ProjectID, purpose: LeasePurpose) -> GatewayError {
        GatewayError(
            .unavailable, code: .projectBusy,
            message: "Another gateway replica is still busy with project '\(project)' (\(purpose.rawValue)).",
            hint: "Retry shortly.", retryAfterSeconds: 5
        )
    }
}
