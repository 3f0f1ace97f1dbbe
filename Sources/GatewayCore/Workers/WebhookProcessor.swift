import Foundation
import Logging
import ServiceLifecycle

/// Applies queued Coolify webhook deliveries, each once: replays (same body within ``replayWindow``) are dropped.
public struct WebhookProcessor: Service {
    public let queue: WebhookQueue
    /// Applies what a delivery reports to the container rows.
    public let lifecycle: ContainerLifecycle
    /// Paused while Coolify reports the server unreachable; runs a pass when it is back.
    public let reconciler: Reconciler
    /// The configured Coolify server; server events about other servers are ignored. Nil: every server is ours.
    public let serverUUID: String?
    public let replayWindow: Duration
    let logger: Logger

    public init(
        queue: WebhookQueue, lifecycle: ContainerLifecycle, reconciler: Reconciler, serverUUID: String?,
        replayWindow: Duration = .seconds(24 * 3600), logger: Logger
    ) {
        self.queue = queue
        self.lifecycle = lifecycle
        self.reconciler = reconciler
        self.serverUUID = serverUUID
        self.replayWindow = replayWindow
        self.logger = logger
    }

    /// Applies the queued deliveries one at a time, in order, until graceful shutdown or cancellation.
    public func run() async {
        await self.queue.drain { delivery in await self.process(delivery) }
    }

    /// Applies one delivery unless it is a replay; failures are logged, never thrown.
    public func process(_ delivery: WebhookDelivery) async {
        let metadata: Logger.Metadata = ["coolify.event": "\(delivery.event.name)", "webhook.digest": "\(delivery.digest.prefix(16))"]
        do {
            guard try await self.lifecycle.store.claimDelivery(digest: delivery.digest, at: delivery.receivedAt, ttl: self.replayWindow) else {
                self.logger.info("dropped a replayed Coolify webhook", metadata: metadata)
                return
            }
            try await self.apply(delivery.event, at: delivery.receivedAt)
        } catch {
            self.logger.error("applying a Coolify webhook failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    func apply(_ event: CoolifyEvent, at now: Date) async throws {
        switch event {
        case .containerStopped(let container, _):
            guard let (record, uuid) = try await self.record(ofContainer: container) else { return }
            try await self.containerStopped(record, service: uuid)
        case .containerRestarted(let container, _):
            guard let (record, _) = try await self.record(ofContainer: container) else { return }
            try await self.lifecycle.refresh(record)
        case .serverUnreachable(let server):
            guard self.isOurs(server) else { return }
            await self.reconciler.reachability.set(false)
            for record in try await self.lifecycle.store.containers(in: [.provisioning, .running]) {
                try await self.lifecycle.noteStatus("server:unreachable", for: record.projectID)
            }
        case .serverReachable(let server):
            guard self.isOurs(server) else { return }
            await self.reconciler.reachability.set(true)
            await self.reconciler.reconcileOnce(includeRunning: true)
        case .deployment(let application, let deployment, let succeeded):
            try await self.lifecycle.store.recordDeployment(
                CoolifyDeployment(applicationUUID: application, deploymentUUID: deployment, succeeded: succeeded, receivedAt: now)
            )
        case .other(let name):
            self.logger.info("ignored a Coolify webhook", metadata: ["coolify.event": "\(name ?? "unparsable")"])
        }
    }

    /// A container we believe running stopped: it becomes failed when Coolify says the deploy failed, else suspended.
    func containerStopped(_ record: ContainerRecord, service: ServiceUUID) async throws {
        let status = try? await self.lifecycle.orchestrator.serviceStatus(service)
        if let status, status.health == .failed {
            try await self.lifecycle.observe(record, status: status)
        } else if record.state == .running,
                  try await self.lifecycle.changes.transitionContainer(record.projectID, from: .running, to: .suspended, at: self.lifecycle.clock.now) != nil {
            try await self.lifecycle.noteStatus(status?.raw ?? "exited", for: record.projectID)
        }
    }

    /// The row of a dev container named by Coolify, or nil (logged) for containers that are not ours.
    func record(ofContainer name: String) async throws -> (ContainerRecord, ServiceUUID)? {
        guard let uuid = ServiceUUID(devContainerName: name),
              let record = try await self.lifecycle.store.container(service: uuid)
        else {
            self.logger.info("ignored a Coolify container event for a container that is not a dev container", metadata: ["container.name": "\(name)"])
            return nil
        }
        return (record, uuid)
    }

    func isOurs(_ server: String?) -> Bool {
        guard let configured = self.serverUUID, let server else { return true }
        return configured == server
    }
}
