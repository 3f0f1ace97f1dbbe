import Foundation
import Logging
import ServiceLifecycle

/// Ends ships: a deployment's webhook ends its ship at once (``deploymentEnded(application:deployment:succeeded:)``);
/// every ``ShipSettings/pollInterval`` the deployments of the ships still `deploying` are read from the orchestrator
/// (a webhook may be off or lost), a deployment past ``ShipSettings/deployTimeout`` fails its ship, and a ship left
/// `pushing` by a replica that stopped is failed. One replica polls at a time; every end is a compare-and-set, so a
/// webhook and a poll ending a ship together end it once.
public struct ShipWatcher: Service {
    let shipper: Shipper

    public init(shipper: Shipper) {
        self.shipper = shipper
    }

    public func run() async {
        await runPeriodically(every: self.shipper.settings.pollInterval, jitter: 0.1) { _ in
            do {
                // One replica checks at a time (PostgreSQL's advisory lock); the others find nothing to do.
                _ = try await self.shipper.store.withLeaderLock(.ships) { try await self.pollOnce() }
            } catch {
                self.shipper.logger.error("checking the ships' deployments failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One pass over the ships that have not ended.
    public func pollOnce() async throws {
        let now = self.shipper.clock.now
        for ship in try await self.shipper.store.activeShips() {
            let age = now.timeIntervalSince(ship.updatedAt)
            switch ship.state {
            case .pushing where age > self.shipper.settings.pushLimit:
                try await self.shipper.end(ship, from: .pushing, progress: ShipProgress(reason: "the push did not finish (its replica stopped?)"))
            case .deploying:
                try await self.check(ship, age: age)
            default:
                continue
            }
        }
    }

    /// Reads a deploying ship's deployment; ends the ship when it ended or took too long.
    func check(_ ship: ShipRecord, age: TimeInterval) async throws {
        if let deployment = ship.deploymentUUID, let report = try? await self.shipper.orchestrator.deployment(deployment),
           report.phase != .running {
            try await self.finish(ship, succeeded: report.phase == .succeeded, status: report.status, deployment: nil, url: report.url)
            return
        }
        if age > self.shipper.settings.deployTimeout.timeInterval {
            try await self.shipper.end(ship, from: .deploying, progress: ShipProgress(
                reason: "the deployment did not end within \(Int(self.shipper.settings.deployTimeout.timeInterval / 60)) minutes"
            ))
        }
    }

    /// Coolify's `deployment_success` / `deployment_failed` of `application`: ends the ship waiting for that
    /// deployment, or the Application's ship whose deploy was answered "already queued" (no deployment uuid).
    public func deploymentEnded(application: String, deployment: String?, succeeded: Bool) async throws {
        var found: ShipRecord?
        if let deployment { found = try await self.shipper.store.ship(deploymentUUID: deployment) }
        if found == nil {
            found = try await self.shipper.store.activeShips().first {
                $0.state == .deploying && $0.deploymentUUID == nil && $0.applicationUUID.rawValue == application
            }
        }
        guard let ship = found, ship.state == .deploying else { return }
        var url: String?
        if let deployment { url = try? await self.shipper.orchestrator.deployment(deployment).url }
        try await self.finish(ship, succeeded: succeeded, status: "failed", deployment: deployment, url: url)
    }

    /// Ends a deploying ship as its deployment ended (`status`: the orchestrator's word for a failure).
    func finish(_ ship: ShipRecord, succeeded: Bool, status: String, deployment: String?, url: String?) async throws {
        var progress = ShipProgress(deploymentUUID: deployment, deploymentURL: url)
        guard succeeded else {
            progress.reason = "Coolify reports the deployment \(status)"
            try await self.shipper.end(ship, from: .deploying, progress: progress)
            return
        }
        _ = try await self.shipper.changes.transitionShip(ship.id, from: .deploying, to: .succeeded, progress: progress, at: self.shipper.clock.now)
    }
}
