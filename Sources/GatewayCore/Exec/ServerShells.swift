import Synchronization

/// The ``ContainerShell`` of a fleet: each container's commands run on its own server's host, found by the server
/// its row records (a service never changes server: a move creates a new one). One shell per server; the set is
/// replaced as a whole when the server list is re-read.
public final class ServerShells: ContainerShell {
    private let store: any LifecycleStore
    private let shells: Mutex<[ServerName: any ContainerShell]>
    /// The server of each service asked about, so a command costs no store read after the first.
    private let servers = Mutex<[ServiceUUID: ServerName]>([:])

    public init(store: any LifecycleStore, shells: [ServerName: any ContainerShell]) {
        self.store = store
        self.shells = Mutex(shells)
    }

    /// Replaces the shells (closing the ones no longer used is the caller's).
    public func replace(_ shells: [ServerName: any ContainerShell]) {
        self.shells.withLock { $0 = shells }
    }

    public func exec(_ request: ExecRequest, in service: ServiceUUID) async throws -> ExecResult {
        try await self.shell(for: service).exec(request, in: service)
    }

    public func containerRuns(_ service: ServiceUUID) async throws -> Bool {
        do {
            return try await self.shell(for: service).containerRuns(service)
        } catch let error as GatewayError where error.code == .containerNotFound {
            return false
        }
    }

    /// The shell of the server `service` runs on.
    /// - Throws: ``GatewayError`` `ssh_not_configured` when that server has no SSH host in the list.
    func shell(for service: ServiceUUID) async throws -> any ContainerShell {
        let server: ServerName
        if let known = self.servers.withLock({ $0[service] }) {
            server = known
        } else if let recorded = try await self.store.container(service: service)?.server {
            server = recorded
            self.servers.withLock { $0[service] = recorded }
        } else if let only = self.shells.withLock({ $0.count == 1 ? $0.first?.value : nil }) {
            // Not recorded (yet), with one host: it can only be there.
            return only
        } else {
            throw GatewayError(
                .notFound, code: .containerNotFound, message: "No project's container has the service '\(service)'.",
                hint: "Retry once the container is recorded."
            )
        }
        guard let shell = self.shells.withLock({ $0[server] }) else {
            throw GatewayError(
                .unavailable, code: .sshNotConfigured, message: "No SSH host is configured for server '\(server)'.",
                hint: "Give it an ssh section in VIBN_SERVERS_FILE (then SIGHUP)."
            )
        }
        return shell
    }
}
