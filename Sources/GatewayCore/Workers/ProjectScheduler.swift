import ServiceLifecycle
import Synchronization

/// Runs work per project: one run at a time for a project (so its work stays in order), different projects at
/// once up to ``concurrency``. A project submitted while its run is under way runs again right after; projects
/// waiting for a free slot are served first come, first served.
public final class ProjectScheduler: Sendable {
    enum Event: Sendable {
        case submit(ProjectID)
        case finished(ProjectID)
    }

    /// How many projects' work may run at once.
    public let concurrency: Int
    let events: AsyncStream<Event>
    let continuation: AsyncStream<Event>.Continuation
    let counts = Mutex((running: 0, waiting: 0))

    public init(concurrency: Int) {
        self.concurrency = max(1, concurrency)
        (self.events, self.continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// Asks for a run of `project`'s work soon; returns at once.
    public func submit(_ project: ProjectID) {
        self.continuation.yield(.submit(project))
    }

    /// Projects whose work runs now, and projects waiting for a slot.
    public var load: (running: Int, waiting: Int) { self.counts.withLock { $0 } }

    /// Runs the submitted projects' work with `work` until graceful shutdown or cancellation (which cancels the
    /// runs under way). Only one task may run a scheduler.
    public func run(_ work: @escaping @Sendable (ProjectID) async -> Void) async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var running: Set<ProjectID> = []
                var again: Set<ProjectID> = []
                var waiting: [ProjectID] = []
                var queued: Set<ProjectID> = []
                func start(_ project: ProjectID) {
                    running.insert(project)
                    group.addTask {
                        await work(project)
                        self.continuation.yield(.finished(project))
                    }
                }
                for await event in self.events {
                    switch event {
                    case .submit(let project):
                        if running.contains(project) {
                            again.insert(project)
                        } else if running.count < self.concurrency {
                            start(project)
                        } else if queued.insert(project).inserted {
                            waiting.append(project)
                        }
                    case .finished(let project):
                        running.remove(project)
                        if again.remove(project) != nil {
                            start(project)
                        } else if !waiting.isEmpty {
                            let next = waiting.removeFirst()
                            queued.remove(next)
                            start(next)
                        }
                    }
                    self.counts.withLock { $0 = (running.count, waiting.count) }
                }
            }
        }
    }
}
