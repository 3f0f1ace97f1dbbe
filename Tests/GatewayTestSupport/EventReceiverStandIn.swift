import Foundation
import Hummingbird
import Logging
import NIOCore

/// A loopback HTTP server standing in for the chat backend's event receiver: records every POST to `/events`
/// (headers, body, the status it answered) and answers 204, or a chosen status for the next N requests.
public final class EventReceiverStandIn: Sendable {
    /// One request received.
    public struct Received: Sendable {
        /// Header values by lower-cased name.
        public let headers: [String: String]
        public let body: Data
        /// The status the stand-in answered.
        public let status: Int

        /// The `webhook-id` header.
        public var webhookID: String? { self.headers["webhook-id"] }
        /// Whether the stand-in accepted it (2xx).
        public var accepted: Bool { (200..<300).contains(self.status) }
    }

    /// The URL to configure as `GATEWAY_EVENTS_URL`.
    public let url: URL
    let log: Log

    init(url: URL, log: Log) {
        self.url = url
        self.log = log
    }

    /// Runs `body` with a receiver listening on a free loopback port, stopped afterwards.
    public static func withRunning<T: Sendable>(_ body: @Sendable (EventReceiverStandIn) async throws -> T) async throws -> T {
        let log = Log()
        let router = Router()
        router.post("/events") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let (status, delay) = await log.record(headers: headers, body: Data(bytes.readableBytesView))
            try await Task.sleep(for: delay)
            return Response(status: HTTPResponse.Status(code: status))
        }
        return try await LoopbackServer.with({ onServerRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "event-receiver-standin"),
                onServerRunning: onServerRunning,
                logger: Logger(label: "event-receiver-standin", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        }) { port in
            try await body(EventReceiverStandIn(url: URL(string: "http://127.0.0.1:\(port)/events")!, log: log))
        }
    }

    // MARK: Test controls

    /// Makes the next `times` requests answer `status` (500 unless told otherwise) instead of 204.
    public func fail(times: Int, status: Int = 500) async {
        await self.log.fail(times: times, status: status)
    }

    /// Makes every answer wait `delay` (a slow receiver).
    public func answer(after delay: Duration) async {
        await self.log.setDelay(delay)
    }

    /// Every request received, in order.
    public func received() async -> [Received] {
        await self.log.requests
    }

    /// The requests received and accepted, in order.
    public func accepted() async -> [Received] {
        await self.log.requests.filter(\.accepted)
    }

    /// Waits, polling every 20 ms, until at least `count` requests have been accepted, and returns them all.
    /// - Throws: ``NotReceived`` when fewer arrive within `limit`.
    public func waitForAccepted(_ count: Int, within limit: Duration = .seconds(10)) async throws -> [Received] {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            let accepted = await self.accepted()
            if accepted.count >= count { return accepted }
            guard clock.now < deadline else {
                let total = await self.received().count
                throw NotReceived(description: "\(accepted.count) of \(count) events accepted within \(limit) (\(total) requests in all)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Fewer events arrived than a test waited for.
    public struct NotReceived: Error, CustomStringConvertible {
        public let description: String
    }

    // MARK: State

    actor Log {
        var requests: [Received] = []
        var failures = 0
        var failureStatus = 500
        var delay: Duration = .zero

        func setDelay(_ delay: Duration) { self.delay = delay }

        func fail(times: Int, status: Int) {
            self.failures = times
            self.failureStatus = status
        }

        /// Records a request and returns the status to answer and how long to wait first.
        func record(headers: [String: String], body: Data) -> (status: Int, delay: Duration) {
            var status = 204
            if self.failures > 0 {
                self.failures -= 1
                status = self.failureStatus
            }
            self.requests.append(Received(headers: headers, body: body, status: status))
            return (status, self.delay)
        }
    }
}
