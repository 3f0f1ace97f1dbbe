import GatewayCore
import Synchronization
import Testing

/// The per-project scheduler behind the chat turns: one run at a time per project, projects side by side up to the bound.
@Suite("ProjectScheduler")
struct ProjectSchedulerTests {
    /// What the work saw: runs under way per project and overall, and the most of each at once.
    final class Tally: Sendable {
        let state = Mutex((perProject: [ProjectID: Int](), ran: Set<ProjectID>(), running: 0, mostPerProject: 0, mostRunning: 0, runs: 0))

        func begin(_ project: ProjectID) {
            self.state.withLock { state in
                state.perProject[project, default: 0] += 1
                state.running += 1
                state.runs += 1
                state.ran.insert(project)
                state.mostPerProject = max(state.mostPerProject, state.perProject[project]!)
                state.mostRunning = max(state.mostRunning, state.running)
            }
        }

        func end(_ project: ProjectID) {
            self.state.withLock { state in
                state.perProject[project]! -= 1
                state.running -= 1
            }
        }
    }

    @Test("a project never runs twice at once; different projects run at once, never more than the bound")
    func bounds() async throws {
        let scheduler = ProjectScheduler(concurrency: 3)
        let tally = Tally()
        let projects = (0..<6).map { ProjectID(trusted: "p\($0)") }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await scheduler.run { project in
                    tally.begin(project)
                    try? await Task.sleep(for: .milliseconds(30))
                    tally.end(project)
                }
            }
            // Every project submitted four times, interleaved: the repeats of a running project make one more run
            // after it; those of a waiting one add nothing.
            for _ in 0..<4 {
                for project in projects { scheduler.submit(project) }
            }
            while tally.state.withLock({ $0.ran.count }) < projects.count || scheduler.load != (0, 0) {
                try await Task.sleep(for: .milliseconds(10))
            }
            group.cancelAll()
        }
        let state = tally.state.withLock { $0 }
        #expect(state.mostPerProject == 1)
        #expect(state.mostRunning == 3)
        #expect(state.ran == Set(projects))
        #expect((projects.count...projects.count * 2).contains(state.runs))
    }
}
