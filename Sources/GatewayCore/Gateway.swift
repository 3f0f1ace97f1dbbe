import Logging
import ServiceLifecycle

/// The core's composition root: every core service and background `Service`, built once from the ports and
/// settings, with the state-change observer wired in this one place. `GatewayServer` builds it from adapters;
/// tests build it from stand-ins.
public struct Gateway: Sendable {
    public let ports: GatewayPorts
    public let settings: GatewaySettings
    /// The store's state changes, each in one transaction with its outbound event, then announced to the preview
    /// routes, the dev-server restarts and the outbox.
    public let changes: ObservedChanges
    /// Which container a workspace's project has (tenant isolation).
    public let directory: ProjectDirectory
    /// The container lifecycle; nil when Coolify is not configured.
    public let lifecycle: ContainerLifecycle?
    /// Moves containers between servers; nil when Coolify is not configured.
    public let mover: ContainerMover?
    /// Ships projects (push, then deploy); nil when Coolify is not configured.
    public let shipper: Shipper?
    /// Ends ships on their deployment's webhook or by polling; nil when Coolify is not configured.
    public let shipWatcher: ShipWatcher?
    public let exec: ExecService
    public let autosave: Autosave
    public let devServers: DevServers
    public let devServerQueue: DevServerQueue
    /// Takes chat turns in and works them off (the store is their queue).
    public let chatTurns: ChatTurnProcessor
    /// Keeps rows true to Coolify; nil without Coolify.
    public let reconciler: Reconciler?
    /// Applies Coolify webhooks; nil without Coolify (the route then answers 404).
    public let webhooks: WebhookProcessor?
    /// Suspends idle containers; nil without Coolify.
    public let idleSweeper: IdleSweeper?
    /// Probes and restarts dev servers; nil without SSH.
    public let devServerSupervisor: DevServerSupervisor?
    /// Autosaves active running containers every 5 minutes; nil without SSH.
    public let periodicAutosave: PeriodicAutosave?
    /// Wakes a project when its preview is visited; nil without ``PreviewRouting/wakeURL``.
    public let previewWake: PreviewWake?

    public init(ports: GatewayPorts, settings: GatewaySettings, logger: Logger) {
        self.ports = ports
        self.settings = settings
        let devServerQueue = DevServerQueue()
        let relaunches = Doorbell()
        let (previewRoutes, events) = (ports.previewRoutes, ports.events)
        // Every state change made through this gateway is stored with its outbound event, in one transaction; once
        // committed it reaches Traefik's file at once (other replicas' within the publisher's periodic refresh),
        // brings a resumed container's dev servers back, and wakes the outbox's deliverer.
        let changes = ObservedChanges(
            ports.store,
            record: { change, store in try await events?.record(change, in: store) },
            recordsAnything: { change in events?.callsForEvent(change) ?? false },
            committed: { change in
                if change.affectsPreviews { previewRoutes?.previewsChanged() }
                if change.resumesDevServers { relaunches.ring() }
                events?.committed(change)
            }
        )
        let (store, clock, shell) = (ports.store, ports.clock, ports.shell)
        let directory = ProjectDirectory(store: store, clock: clock)
        let saving = Autosave(store: store, changes: changes, shell: shell, clock: clock, replicaID: settings.turns.replicaID)
        let lifecycle = ports.orchestrator.map { orchestrator in
            ContainerLifecycle(
                store: store, changes: changes, orchestrator: orchestrator, renderer: ports.renderer, shell: shell,
                settings: settings.lifecycle, clock: clock, servers: ports.servers, saveWork: saving.saveBeforeSuspend(logger: logger),
                logger: logger
            )
        }
        // Work on a suspended container (exec, files, a dev-server start, an asked-for autosave) resumes it first.
        let waker = ContainerWaker(lifecycle: lifecycle, shell: shell, replicaID: settings.turns.replicaID)
        let autosave = saving.waking(with: waker)
        let exec = ExecService(directory: directory, changes: changes, shell: shell, waker: waker)
        let reconciler = lifecycle.map { Reconciler(lifecycle: $0, reachability: ServerReachability(), interval: settings.reconcileInterval) }
        self.changes = changes
        self.directory = directory
        self.autosave = autosave
        self.exec = exec
        self.lifecycle = lifecycle
        self.mover = lifecycle.map { ContainerMover(lifecycle: $0, autosave: saving, waker: waker, shell: shell) }
        let shipper = ports.orchestrator.map {
            Shipper(store: store, changes: changes, orchestrator: $0, shell: shell, waker: waker, settings: settings.ship, clock: clock, logger: logger)
        }
        self.shipper = shipper
        self.shipWatcher = shipper.map { ShipWatcher(shipper: $0) }
        self.devServerQueue = devServerQueue
        let devServers = DevServers(
            exec: exec, store: store, changes: changes, clock: clock, routing: settings.previewRouting, queue: devServerQueue,
            replicaID: settings.turns.replicaID
        )
        self.devServers = devServers
        self.chatTurns = ChatTurnProcessor(
            store: store, changes: changes, clock: clock, autosave: autosave, lifecycle: lifecycle, settings: settings.turns,
            logger: logger
        )
        self.reconciler = reconciler
        if let lifecycle, let reconciler {
            self.webhooks = WebhookProcessor(
                lifecycle: lifecycle, reconciler: reconciler, serverUUID: settings.coolifyServerUUID, ships: self.shipWatcher, logger: logger
            )
            self.idleSweeper = IdleSweeper(
                lifecycle: lifecycle, idleMinutes: settings.idleMinutes, turnHoldMinutes: settings.turnHoldMinutes,
                interval: settings.sweepInterval
            )
        } else {
            (self.webhooks, self.idleSweeper) = (nil, nil)
        }
        self.previewWake = settings.previewRouting.wakeURL.map { _ in
            PreviewWake(routing: settings.previewRouting, store: store, waker: waker, logger: logger)
        }
        self.periodicAutosave = shell.map { _ in PeriodicAutosave(autosave: saving, interval: settings.autosaveInterval, logger: logger) }
        self.devServerSupervisor = shell.map { shell in
            DevServerSupervisor(
                queue: devServerQueue, relaunches: relaunches, exclusion: devServers.starting, store: store, changes: changes,
                shell: shell, clock: clock, readinessLimit: settings.devServerReadinessLimit,
                interval: settings.devServerProbeInterval, scanInterval: settings.turns.scanInterval, logger: logger
            )
        }
    }

    /// A project's container as `GET …/container` and `vibn-gateway status` answer it: the lifecycle's view (which
    /// also reads Coolify and the host) when Coolify is configured, else what the store holds.
    public func containerStatus(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerStatus {
        guard let lifecycle = self.lifecycle else {
            return try await self.directory.status(workspace: workspace, project: project)
        }
        return try await lifecycle.status(workspace: workspace, project: project)
    }

    /// The core's background services, in start order; the dev-server supervisor last, so it stops first and its
    /// probes end before the store they write to closes.
    public var services: [any Service] {
        var services: [any Service] = []
        if let reconciler = self.reconciler { services.append(reconciler) }
        if let webhooks = self.webhooks { services.append(webhooks) }
        services.append(self.chatTurns)
        if let idleSweeper = self.idleSweeper { services.append(idleSweeper) }
        if let periodicAutosave = self.periodicAutosave { services.append(periodicAutosave) }
        if let shipWatcher = self.shipWatcher { services.append(shipWatcher) }
        if let supervisor = self.devServerSupervisor { services.append(supervisor) }
        return services
    }
}
