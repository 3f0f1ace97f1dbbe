import Foundation

/// The seed's dev servers with its defects fixed: start (reaping stale rows and stopping untracked listeners on the
/// port first), list (frontend first), stop (only a group that is still ours), and log tails. Readiness is left to
/// the ``DevServerSupervisor``, so a start answers at once with a `starting` server.
public struct DevServers: Sendable {
    /// Runs the dev servers' scripts in their containers (tenant check included).
    public let exec: ExecService
    /// Where dev servers are read.
    public let store: any StoreQueries
    /// Where dev servers change (observed: the preview routes follow).
    public let changes: any StateChanges
    public let clock: any WallClock
    public let routing: PreviewRouting
    /// Where started servers wait for their readiness probe.
    public let queue: DevServerQueue
    /// One start per project at a time, in this process and across replicas.
    let starting: ProjectExclusion

    /// - Parameter replicaID: This replica's id in the dev-server start leases.
    public init(
        exec: ExecService, store: any StoreQueries, changes: any StateChanges, clock: any WallClock = SystemClock(),
        routing: PreviewRouting, queue: DevServerQueue, replicaID: String
    ) {
        self.exec = exec
        self.store = store
        self.changes = changes
        self.clock = clock
        self.routing = routing
        self.queue = queue
        self.starting = ProjectExclusion(
            purpose: .devServerStart, store: store, owner: replicaID, leaseDuration: .seconds(120), wait: .seconds(60)
        )
    }

    var directory: ProjectDirectory { ProjectDirectory(store: self.store, clock: self.clock) }

    /// The most lines a log request may ask for.
    public static let maxLogLines = 5000

    // MARK: - Start

    /// Starts `command` on `port` in the container of `project`, which must belong to `workspace`.
    /// - Returns: The new server, `starting`; the supervisor probes it.
    /// - Throws: ``ValidationError`` for an empty command or a bad name; ``GatewayError`` `ssh_not_configured`,
    ///   `project_not_found`, `no_container`, or `port_busy` when a tracked server or an unstoppable listener holds it.
    public func start(
        command: String, port: PreviewPort, name: String?, workspace: WorkspaceSlug, project: ProjectID
    ) async throws -> DevServerRecord {
        let name = try Self.validName(name, port: port)
        guard Self.isValidCommand(command) else {
            throw ValidationError(field: "command", message: "must be a shell command of at most 16 KiB, not only white space, without NUL bytes")
        }
        let container = try await self.container(workspace: workspace, project: project)
        let previewURL = try await self.previewURL(container, port: port)
        // One start per project at a time, across replicas too: two starts on one port must not both find it free.
        return try await self.starting.run(project) {
            try await self.launch(command: command, port: port, name: name, previewURL: previewURL, workspace: workspace, project: project)
        }
    }

    /// Frees `port` (reaping stale rows, stopping an untracked listener), launches the command and records it.
    private func launch(
        command: String, port: PreviewPort, name: String, previewURL: String, workspace: WorkspaceSlug, project: ProjectID
    ) async throws -> DevServerRecord {
        let tracked = try await self.store.devServers(project: project).filter { $0.port == port && $0.state.isLive }
        let id = DevServerID.random()
        let result = try await self.exec.exec(
            DevServerScript.start(port: port, id: id, command: command, tracked: tracked), workspace: workspace, project: project
        )
        try await self.reap(DevServerScript.reported("gone", in: result), among: tracked)
        switch result.exitCode {
        case 0?:
            break
        case DevServerScript.StartStatus.trackedListener?:
            throw GatewayError.portBusy(port, by: DevServerScript.reported("live", in: result).first)
        case DevServerScript.StartStatus.portTaken?:
            throw GatewayError.portBusy(port, by: nil)
        default:
            throw GatewayError.launchFailed(result)
        }
        guard let pid = DevServerScript.launchedPID(result) else { throw GatewayError.launchFailed(result) }
        let record = DevServerRecord(
            id: id, projectID: project, workspace: workspace, name: name, command: command, port: port, pid: pid,
            previewURL: previewURL, state: .starting, startedAt: self.clock.now, stoppedAt: nil
        )
        try await self.changes.insertDevServer(record)
        self.queue.enqueue(.probe(record))
        return record
    }

    /// Marks the tracked servers whose process is gone `stopped`.
    private func reap(_ gone: [DevServerID], among tracked: [DevServerRecord]) async throws {
        for server in tracked where gone.contains(server.id) {
            _ = try await self.changes.transitionDevServer(server.id, project: server.projectID, from: server.state, to: .stopped, at: self.clock.now)
        }
    }

    /// The preview URL of `port` of the container's project (its preview token is created if it has none yet).
    private func previewURL(_ container: ContainerRecord, port: PreviewPort) async throws -> String {
        guard let slug = container.projectSlug else {
            throw GatewayError(
                .conflict, code: .noProjectSlug,
                message: "The project has no slug recorded yet, so it has no preview host.",
                hint: "Ensure the container once (POST …/container with projectSlug), then start the dev server."
            )
        }
        let token: PreviewToken
        if let existing = container.previewToken {
            token = existing
        } else {
            guard let stored = try await self.store.ensurePreviewToken(container.projectID, candidate: .random()) else {
                throw GatewayError.noContainer(container.projectID)
            }
            token = stored
        }
        return self.routing.previewURL(slug: slug, token: token, port: port)
    }

    // MARK: - List, stop, logs

    /// The project's dev servers that are not stopped: frontend servers (Vite, Next, …) first, then by port.
    /// - Throws: ``GatewayError`` `project_not_found` or `no_container`.
    public func list(workspace: WorkspaceSlug, project: ProjectID) async throws -> [DevServerRecord] {
        guard try await self.directory.container(workspace: workspace, project: project) != nil else {
            throw GatewayError.noContainer(project)
        }
        return Self.frontendFirst(try await self.store.devServers(project: project).filter { $0.state != .stopped })
    }

    /// Stops the server: its probe ends, its process group is killed if it is still ours (on a running container;
    /// a stopped container has no processes), its row becomes `stopped`. Stopping a stopped server changes nothing.
    /// - Throws: ``GatewayError`` `ssh_not_configured`, `project_not_found`, `no_container`, `dev_server_not_found`.
    public func stop(_ id: DevServerID, workspace: WorkspaceSlug, project: ProjectID) async throws {
        let container = try await self.container(workspace: workspace, project: project)
        guard var server = try await self.store.devServer(id, project: project) else { throw GatewayError.devServerNotFound(id) }
        self.queue.enqueue(.cancelProbe(id))
        if server.state != .stopped, server.pid != nil, container.state == .running {
            _ = try await self.exec.exec(DevServerScript.stop(server), workspace: workspace, project: project)
        }
        // Compare-and-set: a probe may move the row meanwhile, so retry from what it is now.
        while server.state != .stopped {
            if try await self.changes.transitionDevServer(id, project: project, from: server.state, to: .stopped, at: self.clock.now) != nil {
                return
            }
            guard let current = try await self.store.devServer(id, project: project) else { return }
            server = current
        }
    }

    /// The last `lines` (1…``maxLogLines``) lines of the server's log.
    /// - Throws: ``ValidationError`` for `lines`; ``GatewayError`` as ``stop(_:workspace:project:)``.
    public func logs(_ id: DevServerID, lines: Int, workspace: WorkspaceSlug, project: ProjectID) async throws -> [UInt8] {
        guard (1...Self.maxLogLines).contains(lines) else {
            throw ValidationError(field: "lines", message: "must be an integer from 1 to \(Self.maxLogLines)")
        }
        _ = try await self.container(workspace: workspace, project: project)
        // A stopped (deleted) server is gone from the API, as from the list: its log is no longer served.
        guard let server = try await self.store.devServer(id, project: project), server.state != .stopped else {
            throw GatewayError.devServerNotFound(id)
        }
        return try await self.exec.exec(DevServerScript.tail(id, lines: lines), workspace: workspace, project: project).stdout
    }

    // MARK: - Helpers

    /// The project's container, checked before anything runs.
    private func container(workspace: WorkspaceSlug, project: ProjectID) async throws -> ContainerRecord {
        guard self.exec.shell != nil else { throw GatewayError.sshNotConfigured }
        guard let record = try await self.directory.container(workspace: workspace, project: project),
              record.serviceUUID != nil
        else { throw GatewayError.noContainer(project) }
        return record
    }

    /// At most 16 KiB of UTF-8, no NUL, and some character that is not white space (Unicode Zs, tab, line breaks):
    /// openapi.yaml's `pattern` of `command`.
    static func isValidCommand(_ command: String) -> Bool {
        let blank: Set<UInt32> = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
        let scalars = command.unicodeScalars
        return command.utf8.count <= ExecRequest.maxCommandBytes && !scalars.contains("\u{0}")
            && scalars.contains { !blank.contains($0.value) && !(0x2000...0x200A).contains($0.value) }
    }

    /// `name`, or `port-N` when absent.
    static func validName(_ name: String?, port: PreviewPort) throws -> String {
        guard let name else { return "port-\(port)" }
        // Code points, as openapi.yaml's `minLength`/`maxLength` count them.
        guard (1...100).contains(name.unicodeScalars.count),
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw ValidationError(field: "name", message: "must be 1 to 100 characters without control characters")
        }
        return name
    }

    /// Frontend dev servers first (the seed's order: what the user looks at before the APIs behind it), then by port.
    static func frontendFirst(_ servers: [DevServerRecord]) -> [DevServerRecord] {
        servers.enumerated().sorted { lhs, rhs in
            let (left, right) = (Self.isFrontend(lhs.element), Self.isFrontend(rhs.element))
            if left != right { return left }
            if lhs.element.port != rhs.element.port { return lhs.element.port < rhs.element.port }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// Whether the server looks like a frontend dev server (Vite, Next, Nuxt, Astro, SvelteKit, Remix, CRA, Angular).
    static func isFrontend(_ server: DevServerRecord) -> Bool {
        let text = (server.command + " " + server.name).lowercased()
        return text.contains(/\b(vite|next|nuxt|astro|svelte-kit|remix|react-scripts|ng serve|webpack-dev-server|frontend|web)\b/)
    }
}

extension GatewayError {
    /// A port outside the preview range (the seed's `PortOutOfRangeError`).
    public static func portOutOfRange(_ port: Int) -> GatewayError {
        GatewayError(
            .unprocessable, code: .portOutOfRange,
            message: "Port \(port) is outside the preview slot range \(PreviewPort.range.lowerBound)-\(PreviewPort.range.upperBound).",
            hint: "Pick a port in that range so the preview URL is reachable through Traefik."
        )
    }

    /// The port is held by a tracked dev server (`server`) or by a listener that would not stop.
    static func portBusy(_ port: PreviewPort, by server: DevServerID?) -> GatewayError {
        GatewayError(
            .conflict, code: .portBusy,
            message: "Port \(port) is already in use by \(server.map { "dev server \($0)" } ?? "a process that did not stop").",
            hint: "Stop it first, or pick another port from \(PreviewPort.range.lowerBound)-\(PreviewPort.range.upperBound)."
        )
    }

    /// No dev server `id` in this project.
    public static func devServerNotFound(_ id: DevServerID) -> GatewayError {
        GatewayError(.notFound, code: .devServerNotFound, message: "No dev server '\(id)' in this project.")
    }

    /// The launch script failed or printed no pid.
    static func launchFailed(_ result: ExecResult) -> GatewayError {
        let detail = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return GatewayError(
            .upstream, code: .devServerLaunchFailed,
            message: "The dev server could not be launched" + (detail.isEmpty ? "." : ": \(detail.prefix(500))")
        )
    }
}
