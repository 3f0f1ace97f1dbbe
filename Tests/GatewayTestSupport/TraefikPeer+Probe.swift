import Foundation
import Subprocess

/// Something Traefik did not do before the deadline.
public struct TraefikProbeTimeout: Error, CustomStringConvertible {
    public let description: String
}

extension TraefikPeer {
    /// One request through Traefik with `Host: host` (curl, so the Host header is sent as given).
    /// - Returns: The status (0 when the connection failed) and the body.
    public func request(host: String) async throws -> (status: Int, body: String) {
        let result = try await Subprocess.run(
            .name("curl"),
            arguments: ["-s", "--max-time", "2", "-H", "Host: \(host)", "-w", "\n%{http_code}", "http://127.0.0.1:\(self.port)/"],
            output: .string(limit: 1 << 20)
        )
        let text = result.standardOutput ?? ""
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }

    /// Polls until a request with `Host: host` answers `status` (and `body`, when given), or the deadline passes.
    /// - Returns: How long it took.
    /// - Throws: ``TraefikProbeTimeout`` with the last answer and Traefik's log tail.
    @discardableResult
    public func waitFor(host: String, status: Int, body: String? = nil, within timeout: Duration = .seconds(15)) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var last: (status: Int, body: String) = (0, "")
        while clock.now - start < timeout {
            last = try await self.request(host: host)
            if last.status == status, body == nil || last.body == body { return clock.now - start }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TraefikProbeTimeout(description: """
            Traefik did not answer \(status) for \(host) within \(timeout); last answer \(last.status) '\(last.body.prefix(200))'
            Traefik log:
            \(self.logTail())
            """)
    }
}
