import Foundation
import Logging
import Synchronization

/// A visit to a preview host that has no live route (Traefik's catch-all wake router sends it to the gateway): the
/// project is found by the host's token, a suspended container is resumed (quota applies; one Coolify start however
/// many visitors, across replicas too; at most one wake per project per ``wakeInterval`` on this replica), and the
/// visitor learns what to wait for. Once the dev server runs, Traefik's own router for the host wins.
public struct PreviewWake: Sendable {
    /// What a visitor of a preview host is told.
    public enum Outcome: Sendable, Equatable {
        /// Not a preview host of this gateway (malformed, or no project has its token): nothing is revealed.
        case unknown
        /// The container is being started, or the dev server of the slot is starting: come back shortly.
        case starting
        /// The container could not be started (e.g. the workspace's quota is full); `reason` is safe to show.
        case cannotStart(reason: String)
        /// The slot's dev server failed (its logs stay private), or the container failed.
        case failed
        /// The container runs but nothing serves this slot.
        case noDevServer
    }

    let routing: PreviewRouting
    let store: any GatewayStore
    let waker: ContainerWaker
    let recent: RecentWakes
    let logger: Logger

    public init(routing: PreviewRouting, store: any GatewayStore, waker: ContainerWaker, wakeInterval: Duration = .seconds(60), logger: Logger) {
        self.routing = routing
        self.store = store
        self.waker = waker
        self.recent = RecentWakes(interval: wakeInterval)
        self.logger = logger
    }

    /// Handles a visit to `host`: wakes the project if it sleeps and says what the visitor waits for.
    public func visit(host: String) async throws -> Outcome {
        guard let (slot, token) = self.routing.preview(ofHost: host),
              let record = try await self.store.container(previewToken: token),
              let stored = record.previewToken, ConstantTime.equal(stored.rawValue, token.rawValue)
        else { return .unknown }
        switch record.state {
        case .failed:
            return .failed
        case .provisioning:
            return .starting
        case .suspended:
            return self.wake(record)
        case .running:
            let servers = try await self.store.devServers(project: record.projectID).filter { $0.port.slot == slot && $0.state != .stopped }
            guard let latest = servers.max(by: { $0.startedAt < $1.startedAt }) else { return .noDevServer }
            return latest.state == .failed ? .failed : .starting
        }
    }

    /// Starts resuming a suspended container in the background, unless this replica tried within the interval; the
    /// last attempt's failure, if any, is what the visitor is told meanwhile.
    func wake(_ record: ContainerRecord) -> Outcome {
        switch self.recent.claim(record.projectID) {
        case .claimed:
            let (waker, recent, logger) = (self.waker, self.recent, self.logger)
            Task {
                do {
                    _ = try await waker.awake(record)
                } catch {
                    let reason = (error as? GatewayError).map { $0.code == .quotaExceeded ? $0.message : nil } ?? nil
                    recent.failed(record.projectID, reason: reason ?? "The preview's container could not be started.")
                    logger.warning("waking a project for a preview visit failed", metadata: [
                        "project.id": "\(record.projectID)", "error": "\(error)",
                    ])
                }
            }
            return .starting
        case .recent(nil):
            return .starting
        case .recent(let reason?):
            return .cannotStart(reason: reason)
        }
    }
}

/// The projects this replica woke lately, so a crowd of visitors (and their page's refreshes) wakes a project at
/// most once per interval.
final class RecentWakes: Sendable {
    enum Claim: Equatable {
        case claimed
        /// Tried within the interval; the failure of that attempt, if it failed.
        case recent(String?)
    }

    let interval: Duration
    private let wakes = Mutex<[ProjectID: (at: ContinuousClock.Instant, failure: String?)]>([:])

    init(interval: Duration) {
        self.interval = interval
    }

    func claim(_ project: ProjectID) -> Claim {
        let now = ContinuousClock.now
        return self.wakes.withLock { wakes in
            if let last = wakes[project], now - last.at < self.interval { return .recent(last.failure) }
            wakes = wakes.filter { now - $0.value.at < self.interval }
            wakes[project] = (now, nil)
            return .claimed
        }
    }

    func failed(_ project: ProjectID, reason: String) {
        self.wakes.withLock { $0[project]?.failure = reason }
    }
}
