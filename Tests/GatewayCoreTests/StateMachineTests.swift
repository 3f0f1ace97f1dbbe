import GatewayCore
import Testing

@Suite("State machines")
struct StateMachineTests {
    @Test("container transitions follow the design")
    func containerTransitions() {
        let allowed: Set<String> = [
            "provisioning>running", "provisioning>suspended", "provisioning>failed",
            "running>suspended", "running>failed",
            "suspended>running", "suspended>provisioning", "suspended>failed",
            "failed>provisioning",
        ]
        for from in ContainerState.allCases {
            for to in ContainerState.allCases {
                #expect(from.canTransition(to: to) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }

    @Test("dev-server transitions: starting → running | failed, anything live → stopped, stopped is final")
    func devServerTransitions() {
        #expect(DevServerState.starting.canTransition(to: .running))
        #expect(DevServerState.starting.canTransition(to: .failed))
        #expect(DevServerState.running.canTransition(to: .stopped))
        #expect(DevServerState.failed.canTransition(to: .stopped))
        #expect(!DevServerState.failed.canTransition(to: .running))
        #expect(DevServerState.stopped.allowedNext.isEmpty)
        #expect(DevServerState.allCases.filter(\.isLive) == [.starting, .running])
    }

    @Test("only provisioning and running containers count against the quota")
    func quota() {
        #expect(ContainerState.allCases.filter(\.countsAgainstQuota) == [.provisioning, .running])
    }

    @Test("a deadline cancels a slow operation and passes a fast one through")
    func deadline() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(50)) { try await Task.sleep(for: .seconds(30)) }
        }
    }
}
