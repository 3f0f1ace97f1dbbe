import Foundation
import Logging
import ServiceLifecycle

/// Autosaves every running container that was active since its last push, every ``interval`` (the seed's
/// 5-minute loop), so a long session is saved without waiting for its turn to end or its container to be suspended.
/// One replica saves at a time (the store's autosave lock); the saves themselves keep their throttle and exclusion.
public struct PeriodicAutosave: Service {
    public let autosave: Autosave
    public let interval: Duration
    let logger: Logger

    public init(autosave: Autosave, interval: Duration = .seconds(Int64(Autosave.interval)), logger: Logger) {
        self.autosave = autosave
        self.interval = interval
        self.logger = logger
    }

    /// Saves every ``interval`` until graceful shutdown or cancellation; failures are logged per project.
    public func run() async {
        await runPeriodically(every: self.interval) { _ in
            do {
                _ = try await self.autosave.store.withLeaderLock(.autosave) { await self.saveActive() }
            } catch {
                self.logger.error("the periodic autosave failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One pass: each running container active since its last successful push is saved (not forced: a push within the
    /// throttle is skipped).
    /// - Returns: How many were pushed.
    @discardableResult
    public func saveActive() async -> Int {
        var pushed = 0
        do {
            for record in try await self.autosave.store.containers(in: [.running]) {
                do {
                    let last = try await self.autosave.store.lastPushedAutosave(project: record.projectID)
                    guard last.map({ record.lastActiveAt > $0.at }) ?? true else { continue }
                    let result = try await self.autosave.save(record, force: false)
                    if result.ran { pushed += 1 }
                } catch {
                    self.logger.warning("a periodic autosave failed", metadata: ["project.id": "\(record.projectID)", "error": "\(error)"])
                }
            }
        } catch {
            self.logger.error("reading the running containers for the periodic autosave failed", metadata: ["error": "\(error)"])
        }
        return pushed
    }
}
