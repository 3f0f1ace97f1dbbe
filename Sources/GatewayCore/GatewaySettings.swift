import Foundation

/// What the adapters (or a test's stand-ins) provide to the core.
public struct GatewayPorts: Sendable {
    /// The state store.
    public var store: any GatewayStore
    /// Creates, starts and stops dev containers; nil when Coolify is not configured.
    public var orchestrator: (any Orchestrator)?
    /// Runs commands in dev containers; nil when SSH is not configured.
    public var shell: (any ContainerShell)?
    /// Renders a project's compose document.
    public var renderer: any ComposeRenderer
    /// Publishes the preview routes to Traefik; nil: nothing publishes them.
    public var previewRoutes: (any PreviewRoutesSource)?
    /// Turns state changes into outbound events; nil: no events are sent.
    public var events: (any EventSink)?
    /// The time every record carries.
    public var clock: any WallClock
    /// The servers new containers are placed on (one `default` without a capacity unless `VIBN_SERVERS_FILE` lists more).
    public var servers: ServerFleet

    public init(
        store: any GatewayStore,
        orchestrator: (any Orchestrator)? = nil,
        shell: (any ContainerShell)? = nil,
        renderer: any ComposeRenderer,
        previewRoutes: (any PreviewRoutesSource)? = nil,
        events: (any EventSink)? = nil,
        clock: any WallClock = SystemClock(),
        servers: ServerFleet = ServerFleet([.single])
    ) {
        self.store = store
        self.orchestrator = orchestrator
        self.shell = shell
        self.renderer = renderer
        self.previewRoutes = previewRoutes
        self.events = events
        self.clock = clock
        self.servers = servers
    }
}

/// The operator's choices the core services are built with; the defaults are the documented ones.
public struct GatewaySettings: Sendable {
    /// Quota, dev image and the provisioning limits of the container lifecycle.
    public var lifecycle: LifecycleSettings
    /// How preview hosts and URLs are formed.
    public var previewRouting: PreviewRouting
    /// The Coolify server dev containers run on; server webhooks about other servers are ignored. Nil: all are ours.
    public var coolifyServerUUID: String?
    /// How long a running container may be idle before the periodic sweep suspends it.
    public var idleMinutes: Int
    /// How long an open chat turn keeps its container from the idle sweep.
    public var turnHoldMinutes: Int
    /// How often the idle sweep runs.
    public var sweepInterval: Duration
    /// How often the reconciler polls provisioning rows (running rows every sixth pass).
    public var reconcileInterval: Duration
    /// How long a dev server may take to answer before it is failed.
    public var devServerReadinessLimit: Duration
    /// The pause between two readiness checks of a dev server.
    public var devServerProbeInterval: Duration
    /// How chat turns are taken in and worked off.
    public var turns: TurnSettings
    /// How often running containers active since their last push are autosaved.
    public var autosaveInterval: Duration
    /// Git's identity for ships' commits, and how long a deployment may take.
    public var ship: ShipSettings

    public init(
        lifecycle: LifecycleSettings,
        previewRouting: PreviewRouting = .defaults,
        coolifyServerUUID: String? = nil,
        idleMinutes: Int = IdleSweeper.defaultIdleMinutes,
        turnHoldMinutes: Int = IdleSweeper.defaultTurnHoldMinutes,
        sweepInterval: Duration = .seconds(5 * 60),
        reconcileInterval: Duration = .seconds(10),
        devServerReadinessLimit: Duration = .seconds(300),
        devServerProbeInterval: Duration = .seconds(1),
        turns: TurnSettings = TurnSettings(),
        autosaveInterval: Duration = .seconds(Int64(Autosave.interval)),
        ship: ShipSettings = ShipSettings()
    ) {
        self.ship = ship
        self.lifecycle = lifecycle
        self.previewRouting = previewRouting
        self.coolifyServerUUID = coolifyServerUUID
        self.idleMinutes = idleMinutes
        self.turnHoldMinutes = turnHoldMinutes
        self.sweepInterval = sweepInterval
        self.reconcileInterval = reconcileInterval
        self.devServerReadinessLimit = devServerReadinessLimit
        self.devServerProbeInterval = devServerProbeInterval
        self.turns = turns
        self.autosaveInterval = autosaveInterval
    }
}
