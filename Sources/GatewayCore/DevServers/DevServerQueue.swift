import Foundation

/// Work for the ``DevServerSupervisor``: probe a started server, or stop probing one. (Relaunches after a resume are
/// queued in the store, not here.)
public enum DevServerJob: Sendable, Equatable {
    /// Poll the server until it answers (`running`), dies or runs out of time (`failed`).
    case probe(DevServerRecord)
    /// Stop probing the server (it was stopped).
    case cancelProbe(DevServerID)
}

/// The queue between the dev-server routes and the ``DevServerSupervisor`` that drains it. The supervisor takes each
/// job at once; the bound matters only without SSH, when no supervisor runs.
public typealias DevServerQueue = JobQueue<DevServerJob>

/// The probes in flight, each with a signal that ends it early when its server is stopped.
actor DevServerProbes {
    private var stops: [DevServerID: (generation: Int, continuation: AsyncStream<Void>.Continuation)] = [:]
    private var generation = 0

    /// Registers a probe of `id` (ending any earlier one); returns its generation and the stream that finishes
    /// when the probe should stop.
    func register(_ id: DevServerID) -> (Int, AsyncStream<Void>) {
        self.generation += 1
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stops.updateValue((self.generation, continuation), forKey: id)?.continuation.finish()
        return (self.generation, stream)
    }

    /// Ends the probe of `id`, if one runs.
    func cancel(_ id: DevServerID) {
        self.stops.removeValue(forKey: id)?.continuation.finish()
    }

    /// Forgets the probe of `id` of `generation` once it is over (a newer probe of the same server stays).
    func finished(_ id: DevServerID, generation: Int) {
        guard self.stops[id]?.generation == generation else { return }
        self.stops.removeValue(forKey: id)
    }
}
