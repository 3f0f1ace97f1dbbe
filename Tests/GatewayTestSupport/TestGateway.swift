import GatewayCore
import Logging

extension Gateway {
    /// The gateway the tests drive: the same composition root as `serve`, on the given store and stand-ins.
    /// - Parameters:
    ///   - settings: The core settings; by default ``GatewaySettings/testing(quota:sshConfigured:coolifyServerUUID:)`` with SSH
    ///     counted as configured when `shell` is given.
    public static func testing(
        store: any GatewayStore,
        orchestrator: (any Orchestrator)? = nil,
        shell: (any ContainerShell)? = nil,
        previewRoutes: (any PreviewRoutesSource)? = nil,
        events: (any EventSink)? = nil,
        clock: any WallClock = SystemClock(),
        settings: GatewaySettings? = nil,
        servers: ServerFleet = ServerFleet([.single]),
        logger: Logger = Logger(label: "gateway-tests")
    ) -> Gateway {
        Gateway(
            ports: GatewayPorts(
                store: store, orchestrator: orchestrator, shell: shell, renderer: CoolifyTestCompose(),
                previewRoutes: previewRoutes, events: events, clock: clock, servers: servers
            ),
            settings: settings ?? .testing(sshConfigured: shell != nil),
            logger: logger
        )
    }
}

extension GatewaySettings {
    /// Settings for tests: the given quota, periodic work (reconciler, idle sweep, autosave) an hour apart, so it never runs
    /// unless a test runs it, and pending chat turns scanned for every 500 ms.
    public static func testing(quota: Int = 100, sshConfigured: Bool = true, coolifyServerUUID: String? = nil) -> GatewaySettings {
        GatewaySettings(
            lifecycle: LifecycleSettings(quotaPerWorkspace: quota, sshConfigured: sshConfigured), coolifyServerUUID: coolifyServerUUID,
            sweepInterval: .seconds(3600), reconcileInterval: .seconds(3600), turns: TurnSettings(scanInterval: .milliseconds(500)),
            autosaveInterval: .seconds(3600)
        )
    }
}
