import Foundation
import GatewayCore
import Logging
import ServiceLifecycle

/// Containers by state, sampled once a minute for the status page's chart: the last ``capacity`` samples of this
/// replica (the store keeps no history of states, so a restart starts the picture again).
public actor ContainerHistory: Service {
    /// One sample: when, and how many containers were in each state.
    struct Sample: Sendable, Equatable {
        let at: Date
        let counts: [ContainerState: Int]
    }

    /// Six hours of minutes.
    static let capacity = 360

    private let store: any GatewayStore
    private let clock: any WallClock
    private let interval: Duration
    private let logger: Logger
    private var samples: [Sample] = []

    /// - Parameter interval: How often a sample is taken (a minute; shorter in tests).
    public init(store: any GatewayStore, clock: any WallClock, interval: Duration = .seconds(60), logger: Logger) {
        self.store = store
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Samples every ``interval`` (the first one interval after start: `serve` migrates the store meanwhile) until
    /// graceful shutdown or cancellation.
    public func run() async throws {
        await runPeriodically(every: self.interval) { _ in await self.sample() }
    }

    private func sample() async {
        do {
            let counts = try await self.store.containerCounts()
            self.record(Sample(at: self.clock.now, counts: counts))
        } catch {
            self.logger.debug("sampling containers for the status page failed", metadata: ["error": "\(error)"])
        }
    }

    /// The samples kept, oldest first.
    func recorded() -> [Sample] { self.samples }

    func record(_ sample: Sample) {
        self.samples.append(sample)
        if self.samples.count > Self.capacity { self.samples.removeFirst(self.samples.count - Self.capacity) }
    }
}
