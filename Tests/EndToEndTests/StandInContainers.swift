#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GatewayTestSupport

/// Makes the docker stand-in's containers follow the Coolify stand-in's services, as Docker follows Coolify:
/// a deployed or started service has its directory `vibn-dev-<uuid>` (so `docker exec` reaches it); a stopped
/// one has its processes killed and its directory moved aside to `.stopped-vibn-dev-<uuid>` (so `docker exec`
/// answers "No such container"; the workspace survives, as a volume does); a deleted one is removed.
struct StandInContainers: Sendable {
    let peer: SSHTestPeer

    /// The handler to give ``CoolifyStandIn/withRunning(onServiceChange:_:)``.
    var handler: CoolifyStandIn.ServiceChangeHandler {
        { uuid, change in try await self.apply(change, to: uuid) }
    }

    func apply(_ change: CoolifyServiceChange, to uuid: String) async throws {
        let running = self.directory(uuid)
        let stopped = self.directory(uuid, stopped: true)
        switch change {
        case .created(deployed: false):
            break
        case .created(deployed: true), .started:
            if FileManager.default.fileExists(atPath: stopped.path) {
                try FileManager.default.moveItem(at: stopped, to: running)
            } else if !FileManager.default.fileExists(atPath: running.path) {
                try self.peer.makeContainer(named: running.lastPathComponent)
            }
        case .stopped:
            try await self.killProcesses(of: uuid)
            if FileManager.default.fileExists(atPath: running.path) {
                try FileManager.default.moveItem(at: running, to: stopped)
            }
        case .deleted:
            try await self.killProcesses(of: uuid)
            for url in [running, stopped] { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// The container directory of service `uuid`.
    func directory(_ uuid: String, stopped: Bool = false) -> URL {
        URL(fileURLWithPath: self.peer.dockerRoot).appendingPathComponent((stopped ? ".stopped-" : "") + "vibn-dev-\(uuid)")
    }

    // MARK: Processes

    /// Stops every process running in the container of `uuid` (SIGTERM, then SIGKILL after 5 s), as `docker stop` does.
    /// - Throws: When a process survives SIGKILL.
    func killProcesses(of uuid: String) async throws {
        let suffix = "/vibn-dev-\(uuid)/workspace"
        for signal in [SIGTERM, SIGKILL] {
            let pids = Self.pids(mounting: suffix)
            if pids.isEmpty { return }
            for pid in pids { kill(pid, signal) }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while clock.now < deadline, !Self.pids(mounting: suffix).isEmpty {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let survivors = Self.pids(mounting: suffix)
        guard survivors.isEmpty else {
            throw EndToEndFailure(description: "processes \(survivors) of container vibn-dev-\(uuid) survived SIGKILL")
        }
    }

    /// The processes that see a directory ending in `suffix` mounted at `/workspace`: the docker stand-in's
    /// `docker exec` bind-mounts the container's workspace there, in a mount namespace of its own.
    static func pids(mounting suffix: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(),
                  let mounts = try? String(contentsOfFile: "/proc/\(entry)/mountinfo", encoding: .utf8)
            else { return nil }
            // Fields: id, parent, major:minor, root (within its file system), mount point, ...
            let mounted = mounts.split(separator: "\n").contains { line in
                let fields = line.split(separator: " ")
                return fields.count > 4 && fields[4] == "/workspace" && fields[3].hasSuffix(suffix)
            }
            return mounted ? pid : nil
        }
    }
}
