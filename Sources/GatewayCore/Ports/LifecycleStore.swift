import Foundation

/// The store operations of the container lifecycle, the reconciler and the Coolify webhook.
public protocol LifecycleStore: Store {
    /// The diagnostics of a project's container (empty when none are recorded or there is no row).
    func diagnostics(_ project: ProjectID) async throws -> ContainerDiagnostics

    /// Replaces the diagnostics of a project's container.
    func setDiagnostics(_ diagnostics: ContainerDiagnostics, for project: ProjectID) async throws

    /// The container row whose Coolify service is `uuid`, if any.
    func container(service uuid: ServiceUUID) async throws -> ContainerRecord?
    /// The container whose preview token is `token` (a preview host names it), if any.
    func container(previewToken token: PreviewToken) async throws -> ContainerRecord?

    /// Records a webhook delivery as pending by the digest of its body, unless one with the same digest arrived within
    /// `ttl`. Expired, applied digests are purged on the way.
    /// - Returns: true when this delivery is new (and is to be applied).
    func claimDelivery(_ delivery: WebhookDelivery, ttl: Duration) async throws -> Bool

    /// Pending deliveries, oldest first, at most `limit`.
    func pendingDeliveries(limit: Int) async throws -> [WebhookDelivery]

    /// How many deliveries are pending.
    func pendingDeliveryCount() async throws -> Int

    /// Records that a pending delivery was applied (or given up).
    func finishDelivery(digest: String, at now: Date) async throws

    /// Records a deployment against the project whose application uuid matches (or against none).
    func recordDeployment(_ deployment: CoolifyDeployment) async throws

    /// Runs `body` only if no other replica holds `lock`, holding it meanwhile.
    /// - Returns: `body`'s result, or nil when another replica holds the lock.
    func withLeaderLock<T: Sendable>(_ lock: LeaderLock, _ body: @Sendable () async throws -> T) async throws -> T?
}

/// The jobs that one replica at a time does, each under its own lock.
public enum LeaderLock: Sendable, CaseIterable {
    /// The ``Reconciler``'s passes.
    case reconciler
    /// The idle sweep.
    case idleSweep
    /// Delivering the outbound events.
    case outbox
    /// The periodic autosave of running containers.
    case autosave
    /// Applying the Coolify webhook deliveries.
    case webhooks
    /// Checking the ships' deployments.
    case ships

    /// A stable 64-bit key (PostgreSQL advisory lock id): "vibn" followed by four letters of the job.
    public var key: Int64 {
        switch self {
        case .reconciler: 0x7669_626e_7265_636f  // "vibnreco"
        case .idleSweep: 0x7669_626e_6964_6c65  // "vibnidle"
        case .outbox: 0x7669_626e_6f75_7462  // "vibnoutb"
        case .autosave: 0x7669_626e_6175_746f  // "vibnauto"
        case .webhooks: 0x7669_626e_7765_6268  // "vibnwebh"
        case .ships: 0x7669_626e_7368_6970  // "vibnship"
        }
    }
}
