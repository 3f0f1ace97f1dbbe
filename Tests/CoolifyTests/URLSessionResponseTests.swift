import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayTestSupport
import Testing
import URLSessionSupport

@Suite("URLSession response(to:)")
struct URLSessionResponseTests {
    @Test("cancelling callers while their transfers complete never hangs, and every call ends", .timeLimit(.minutes(1)))
    func cancellationRacesCompletion() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let session = URLSession(configuration: .ephemeral)
            var request = URLRequest(url: standIn.url.appending(path: "api/v1/services"))
            request.setValue("Bearer \(standIn.token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            let finished = try await withThrowingTaskGroup(of: Int.self) { [request] group in
                for round in 0..<300 {
                    // Cancel each caller after 0–3 ms: some before the request leaves, some as the answer lands.
                    let call = Task { try? await session.response(to: request) }
                    try await Task.sleep(for: .microseconds(round % 30 * 100))
                    call.cancel()
                    group.addTask { _ = await call.value; return 1 }
                }
                return try await group.reduce(0, +)
            }
            #expect(finished == 300)
            let (_, response) = try await session.response(to: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
        }
    }
}
