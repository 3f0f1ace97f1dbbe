import Foundation
import Subprocess
import SystemPackage

/// The release `vibn-gateway serve` (VIBN_GATEWAY_BIN) as a child process, its log in a file.
public struct GatewayRun: Sendable {
    public let origin: String
    public let log: URL
    public let pid: Int32

    /// Starts `serve` on `port` with `environment` (plus PATH and HOME), waits until `/healthz` answers, runs `body`,
    /// then stops the gateway with SIGTERM and waits for it.
    public static func with<T: Sendable>(
        environment: [String: String], port: Int, work: URL, _ body: @Sendable (GatewayRun) async throws -> T
    ) async throws -> T {
        guard let binary = ProcessInfo.processInfo.environment["VIBN_GATEWAY_BIN"] else {
            throw BenchFailure(description: "VIBN_GATEWAY_BIN is not set: run scripts/bench-turns or scripts/bench-preview")
        }
        var variables = environment
        for name in ["PATH", "HOME"] { variables[name] = ProcessInfo.processInfo.environment[name] }
        variables["GATEWAY_PORT"] = String(port)
        variables["LOG_LEVEL"] = "warning"
        let log = work.appendingPathComponent("gateway-\(port).log")
        let file = try FileDescriptor.open(FilePath(log.path), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        let outcome = try await Subprocess.run(
            .path(FilePath(binary)), arguments: ["serve"],
            environment: .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
            workingDirectory: FilePath(work.path), input: .none,
            output: .fileDescriptor(file, closeAfterSpawningProcess: false), error: .fileDescriptor(file, closeAfterSpawningProcess: false)
        ) { execution in
            let gateway = GatewayRun(origin: "http://127.0.0.1:\(port)", log: log, pid: execution.processIdentifier.value)
            let result: Result<T, any Error>
            do {
                try await gateway.waitUntilHealthy()
                result = .success(try await body(gateway))
            } catch {
                result = .failure(error)
            }
            try? execution.send(signal: .terminate)
            return result
        }
        try? file.close()
        return try outcome.closureResult.get()
    }

    /// Polls `/healthz` for at most 60 s.
    public func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while (try? await run("curl", ["-sf", "\(self.origin)/healthz"])) == nil {
            guard ContinuousClock.now < deadline else {
                throw BenchFailure(description: "the gateway did not start; its log:\n\(self.logTail())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The last 4 KB of the gateway's log.
    public func logTail() -> String {
        String((try? String(contentsOf: self.log, encoding: .utf8))?.suffix(4000) ?? "")
    }

    /// `vibn_work_pending{kind="chat_turn"}` as `/metrics` shows it.
    public func pendingTurnsMetric() async throws -> Int? {
        let metrics = try await run("curl", ["-sf", "\(self.origin)/metrics"])
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"vibn_work_pending{kind="chat_turn"}"#) }
        return line?.split(separator: " ").last.flatMap { Double($0) }.map { Int($0) }
    }
}
