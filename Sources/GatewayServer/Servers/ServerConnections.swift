import Coolify
import GatewayCore
import Logging
import ServiceLifecycle
import SSHExec
import UnixSignals

/// The adapters of the server list: the core's placement list, Coolify's server of each name, and one multiplexed
/// SSH connection per host. Re-reading the list (SIGHUP) replaces all three; a host whose settings did not change
/// keeps its connection, one that left or changed gets no new command and is closed at the next re-read or when the
/// gateway stops, so the commands already running on it finish.
public actor ServerConnections {
    public nonisolated let fleet: ServerFleet
    public nonisolated let coolify: CoolifyServers
    /// The shell every container command goes through; nil when no server has an SSH host.
    public nonisolated let shells: ServerShells?
    private var list: ServerList
    private var execs: [ServerName: (settings: SSHConfiguration, exec: SSHExec)] = [:]
    /// Connections of hosts that left or changed at the last re-read, still finishing their commands.
    private var retired: [SSHExec] = []

    /// Opens a connection per listed SSH host.
    /// - Throws: When an SSH connection's private directory cannot be made.
    public init(_ list: ServerList, store: any LifecycleStore) throws {
        self.list = list
        self.fleet = ServerFleet(list.servers.map(\.slot))
        self.coolify = CoolifyServers(Self.placements(list))
        var execs: [ServerName: (SSHConfiguration, SSHExec)] = [:]
        for server in list.servers {
            if let ssh = server.ssh { execs[server.slot.name] = (ssh, try SSHExec(ssh)) }
        }
        self.execs = execs
        self.shells = list.servers.contains { $0.ssh != nil } ? ServerShells(store: store, shells: execs.mapValues(\.1)) : nil
    }

    /// Whether any server has an SSH host.
    public nonisolated var sshConfigured: Bool { self.shells != nil }

    /// Re-reads the list's file and applies it; a list that cannot be read or used is logged and the current one kept.
    public func reload(logger: Logger) async {
        let next: ServerList
        do {
            next = try self.list.reloaded()
        } catch {
            logger.error("the server list was not re-read; the current one stays", metadata: ["error": "\(error)"])
            return
        }
        var execs: [ServerName: (settings: SSHConfiguration, exec: SSHExec)] = [:]
        var opened: [SSHExec] = []
        var kept = Set<ServerName>()
        for server in next.servers {
            guard let ssh = server.ssh else { continue }
            if let current = self.execs[server.slot.name], Self.sameHost(current.settings, ssh) {
                execs[server.slot.name] = current
                kept.insert(server.slot.name)
                continue
            }
            do {
                let exec = try SSHExec(ssh)
                opened.append(exec)
                execs[server.slot.name] = (ssh, exec)
            } catch {
                logger.error("the server list was not applied: SSH to \(server.slot.name) cannot start", metadata: ["error": "\(error)"])
                for exec in opened { await exec.close() }
                return
            }
        }
        let retired = self.execs.filter { !kept.contains($0.key) }.map(\.value.exec)
        self.list = next
        self.execs = execs
        self.fleet.replace(next.servers.map(\.slot))
        self.coolify.replace(Self.placements(next))
        self.shells?.replace(execs.mapValues(\.exec))
        logger.notice("re-read the server list", metadata: ["servers": "\(next.servers.map(\.slot.name.rawValue).joined(separator: ","))"])
        for exec in self.retired { await exec.close() }
        self.retired = retired
    }

    /// Closes every SSH connection.
    public func close() async {
        for exec in self.execs.values.map(\.exec) + self.retired { await exec.close() }
        self.execs = [:]
        self.retired = []
    }

    private static func placements(_ list: ServerList) -> [ServerName: CoolifyPlacement] {
        Dictionary(list.servers.compactMap { server in server.coolify.map { (server.slot.name, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    private static func sameHost(_ a: SSHConfiguration, _ b: SSHConfiguration) -> Bool {
        a.host == b.host && a.port == b.port && a.user == b.user && a.knownHosts == b.knownHosts && a.privateKey == b.privateKey
    }
}

/// Re-reads the server list on SIGHUP.
struct ServerListReloader: Service {
    let connections: ServerConnections
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await self.connections.reload(logger: self.logger)
        }
    }
}
