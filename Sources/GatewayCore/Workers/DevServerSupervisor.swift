import Foundation
import Logging
import ServiceLifecycle

/// Drains the ``DevServerQueue``: polls each started dev server from the gateway with short, cancellable execs until
/// it answers (`running`), dies or runs out of time (`failed`, with its log tail as the reason). Probes run
/// concurrently; stopping a server ends its probe. Beside that, works off the store's relaunch queue (a resumed
/// container's live servers) when ``relaunches`` rings and every ``scanInterval``, and probes again the `starting`
/// servers whose probe a crashed replica took with it.
public struct DevServerSupervisor: Service {
    public let queue: DevServerQueue
    /// Rung when a container became `running` again: its servers await their relaunch in the store.
    public let relaunches: Doorbell
    /// The project's dev-server starts, which relaunches take turns with (here and across replicas).
    let exclusion: ProjectExclusion
    /// Where servers and their containers are read.
    public let store: any StoreQueries
    /// Where a probe's outcome and a relaunch are recorded (observed).
    public let changes: any StateChanges
    public let shell: any ContainerShell
    public let clock: any WallClock
    /// How long a server may take to answer before it is failed (the seed's 300 s).
    public let readinessLimit: Duration
    /// The pause between two checks.
    public let interval: Duration
    /// How often the relaunch queue and lost probes are looked for in the store.
    public let scanInterval: Duration
    public let logger: Logger
    let probes = DevServerProbes()

    /// How many log lines a failure keeps as its reason.
    static let failureTailLines = 20

    init(
        queue: DevServerQueue, relaunches: Doorbell, exclusion: ProjectExclusion, store: any StoreQueries, changes: any StateChanges,
        shell: any ContainerShell, clock: any WallClock, readinessLimit: Duration, interval: Duration, scanInterval: Duration,
        logger: Logger
    ) {
        self.queue = queue
        self.relaunches = relaunches
        self.exclusion = exclusion
        self.scanInterval = scanInterval
        self.store = store
        self.changes = changes
        self.shell = shell
        self.clock = clock
        self.readinessLimit = readinessLimit
        self.interval = interval
        self.logger = logger
    }

    /// Drains the queue and scans the store until graceful shutdown or cancellation, which also ends every probe.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await runPeriodically(every: self.scanInterval, jitter: 0.2, doorbell: self.relaunches) { run in
                    await self.scan(first: run == 1)
                }
            }
            group.addTask {
                await self.queue.drain(concurrently: true) { job in
                    switch job {
                    case .probe(let server): await self.probe(server)
                    case .cancelProbe(let id): await self.probes.cancel(id)
                    }
                }
            }
            await group.waitForAll()
        }
    }

    // MARK: - Readiness

    /// Polls `server` until it is decided, its row changes, or its probe is cancelled.
    func probe(_ server: DevServerRecord) async {
        let (generation, stop) = await self.probes.register(server.id)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pollReadiness(server) }
            group.addTask { for await _ in stop {} }
            await group.next()
            group.cancelAll()
        }
        await self.probes.finished(server.id, generation: generation)
    }

    /// The readiness loop; every failure to reach the container is retried until the deadline.
    func pollReadiness(_ server: DevServerRecord) async {
        let deadline = ContinuousClock.now + self.readinessLimit
        while !Task.isCancelled {
            let service: ServiceUUID
            do {
                // A server whose row moved on (stopped, relaunched) or whose container is not running is not ours to decide.
                guard let running = try await self.runningService(of: server.projectID), try await self.isUnchanged(server) else { return }
                service = running
            } catch {
                self.logger.warning("reading a dev server for its probe failed; retrying", metadata: ["dev_server.id": "\(server.id)", "error": "\(error)"])
                try? await Task.sleep(for: self.interval)
                continue
            }
            let check = try? await self.shell.exec(DevServerScript.probe(server, timeout: .seconds(3)), in: service)
            switch check.map(DevServerScript.lines)?.last {
            case "ready":
                await self.decide(server, to: .running, reason: nil)
                return
            case "dead":
                let tail = await self.logTail(server, in: service)
                await self.decide(server, to: .failed, reason: "The dev server exited before it answered on port \(server.port).\n\(tail)")
                return
            default:
                break
            }
            guard ContinuousClock.now < deadline else {
                _ = try? await self.shell.exec(DevServerScript.stop(server), in: service)
                let tail = await self.logTail(server, in: service)
                await self.decide(
                    server, to: .failed,
                    reason: "The dev server did not answer on port \(server.port) within \(self.readinessLimit); it was stopped.\n\(tail)"
                )
                return
            }
            try? await Task.sleep(for: self.interval)
        }
    }

    /// Records the outcome of a probe (compare-and-set from `starting`).
    func decide(_ server: DevServerRecord, to state: DevServerState, reason: String?) async {
        do {
            _ = try await self.changes.transitionDevServer(
                server.id, project: server.projectID, from: .starting, to: state, failureReason: reason, at: self.clock.now
            )
            self.logger.info("dev server \(state.rawValue)", metadata: ["dev_server.id": "\(server.id)", "project.id": "\(server.projectID)"])
        } catch {
            self.logger.error("recording a dev server's readiness failed", metadata: ["dev_server.id": "\(server.id)", "error": "\(error)"])
        }
    }

    /// The last lines of the server's log, for a failure reason.
    func logTail(_ server: DevServerRecord, in service: ServiceUUID) async -> String {
        guard let result = try? await self.shell.exec(DevServerScript.tail(server.id, lines: Self.failureTailLines), in: service) else {
            return "(the log could not be read)"
        }
        return String(String(decoding: result.stdout, as: UTF8.self).suffix(4000))
    }

    /// The Coolify service of the project's container while it is `running`.
    func runningService(of project: ProjectID) async throws -> ServiceUUID? {
        guard let container = try await self.store.container(project), container.state == .running else { return nil }
        return container.serviceUUID
    }

    /// Whether the server's row is still the `starting` row with the same process.
    func isUnchanged(_ server: DevServerRecord) async throws -> Bool {
        let current = try await self.store.devServer(server.id, project: server.projectID)
        return current?.state == .starting && current?.pid == server.pid
    }
}
