import Dispatch
import GatewayCore
import Testing

@Suite("Deadlines")
struct DeadlineTests {
    /// Work that ignores cancellation: it waits its whole time, cancelled or not.
    static func stubborn(_ total: Duration) async -> Int {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(total.milliseconds))) { continuation.resume() }
        }
        return 1
    }

    @Test("withDeadlineNotWaiting gives up at the deadline even when the work ignores cancellation")
    func notWaiting() async throws {
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            _ = try await withDeadlineNotWaiting(.milliseconds(100)) { await Self.stubborn(.seconds(5)) }
        }
        // 5 s is what waiting for the work would take; anything well below tells that it was not waited for.
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(try await withDeadlineNotWaiting(.seconds(5)) { 42 } == 42)
        await #expect(throws: CancellationError.self) {
            _ = try await withDeadlineNotWaiting(.seconds(5)) { throw CancellationError() }
        }
    }

    @Test("two hundred concurrent deadlines each ring once, and one set after the watch has stopped still rings")
    func manyDeadlines() async throws {
        let started = ContinuousClock.now
        let expired = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        _ = try await withDeadlineNotWaiting(.milliseconds(50 + index)) { await Self.stubborn(.seconds(5)) }
                        return false
                    } catch {
                        return error is DeadlineExceeded
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(expired == 200)
        #expect(ContinuousClock.now - started < .seconds(3))
        // Nothing is set now: the watch ends; a new deadline starts it again.
        try await Task.sleep(for: .milliseconds(200))
        await #expect(throws: DeadlineExceeded.self) {
            _ = try await withDeadlineNotWaiting(.milliseconds(50)) { await Self.stubborn(.seconds(5)) }
        }
    }
}
