import Foundation
import GatewayTestSupport
import Subprocess
import Testing

/// The real `vibn-gateway serve` binary (`VIBN_GATEWAY_BIN`, exported by scripts/test) as a child process,
/// configured only through its environment, with its log kept for failure messages.
struct GatewayProcess: Sendable {
    /// The gateway's origin, `http://127.0.0.1:{port}`.
    let origin: URL
    /// Everything the gateway wrote to standard output and standard error.
    let log: ProcessLog
    /// The gateway's process id (0 until it runs).
    var pid: pid_t = 0

    /// Ends the gateway at once with SIGKILL, as a crash or `kill -9` would: nothing of it runs afterwards.
    func killHard() {
        _ = kill(self.pid, SIGKILL)
    }

    /// Starts `serve` in `directory` with exactly `environment` (plus PATH and HOME), waits for `/healthz`,
    /// runs `body`, then stops the gateway with SIGTERM (SIGKILL after 20 s) and waits for it.
    /// - Returns: What `body` returned, and whether the gateway exited with status 0 after SIGTERM.
    /// - Throws: ``MissingTestPeer`` without `VIBN_GATEWAY_BIN`; ``EndToEndFailure`` when the gateway does not
    ///   start; what `body` throws. On any failure the gateway's log tail is recorded as an issue.
    static func with<T: Sendable>(
        environment: [String: String], directory: URL, port: Int,
        _ body: @Sendable (GatewayProcess) async throws -> T
    ) async throws -> (result: T, exitedCleanly: Bool) {
        let binary = try TestEnvironment.require("VIBN_GATEWAY_BIN", for: "the vibn-gateway binary (swift build)")
        var variables = environment
        for name in ["PATH", "HOME"] { variables[name] = ProcessInfo.processInfo.environment[name] }
        variables["GATEWAY_PORT"] = String(port)
        var gateway = GatewayProcess(origin: URL(string: "http://127.0.0.1:\(port)")!, log: ProcessLog())
        // `env` execs the binary (same pid), so SIGTERM reaches the gateway itself.
        let outcome = try await Subprocess.run(
            .name("env"), arguments: ["--chdir=\(directory.path)", binary, "serve"],
            environment: .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
            input: .none, output: .sequence, error: .sequence
        ) { execution in
            gateway.pid = execution.processIdentifier.value
            let gateway = gateway
            return try await withThrowingTaskGroup(of: Void.self) { group -> Result<T, any Error> in
                group.addTask { try await gateway.log.drain(execution.standardOutput) }
                group.addTask { try await gateway.log.drain(execution.standardError) }
                let result: Result<T, any Error>
                do {
                    try await gateway.waitUntilHealthy()
                    result = .success(try await body(gateway))
                } catch {
                    result = .failure(error)
                }
                try? execution.send(signal: .terminate)
                group.addTask {
                    try await Task.sleep(for: .seconds(20))
                    try? execution.send(signal: .kill)
                }
                // Both output streams end when the gateway has exited; then the SIGKILL timer is not needed.
                _ = try await group.next()
                _ = try await group.next()
                group.cancelAll()
                return result
            }
        }
        let exitedCleanly = if case .exited(0) = outcome.terminationStatus { true } else { false }
        switch outcome.closureResult {
        case .success(let value):
            return (value, exitedCleanly)
        case .failure(let error):
            Issue.record("vibn-gateway's log (last lines):\n\(await gateway.log.tail())")
            throw error
        }
    }

    /// Polls `/healthz` until it answers 200, for at most 30 s.
    func waitUntilHealthy() async throws {
        let client = GatewayClient(origin: self.origin, token: nil)
        try await eventually("vibn-gateway serve answers GET /healthz with 200", within: .seconds(30)) {
            (try? await client.send("GET", "/healthz"))?.status == 200
        }
    }
}

// MARK: - Log

/// The gateway's output, line by line, without request lines (the last 400 lines are kept).
actor ProcessLog {
    private var lines: [String] = []
    private var partial = ""
    /// Everything written, request lines included (up to 16 MiB), for checks that no secret was ever logged.
    private(set) var everything = ""

    /// Appends everything `sequence` yields until it ends.
    func drain(_ sequence: SubprocessOutputSequence) async throws {
        for try await buffer in sequence {
            let text = buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            self.append(text)
        }
    }

    private func append(_ text: String) {
        if self.everything.utf8.count < 16 << 20 { self.everything += text }
        var pieces = (self.partial + text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        self.partial = pieces.removeLast()
        // Request lines are the test's own polling; they would crowd out what the gateway did.
        self.lines.append(contentsOf: pieces.filter { !$0.contains("hb.request.route=") && !$0.contains(#""hb.request.route":"#) })
        if self.lines.count > 400 { self.lines.removeFirst(self.lines.count - 400) }
    }

    /// Whether `text` appeared anywhere in the output so far.
    func contains(_ text: String) -> Bool {
        self.everything.contains(text)
    }

    /// The last `count` lines.
    func tail(_ count: Int = 60) -> String {
        (self.lines.suffix(count) + (self.partial.isEmpty ? [] : [self.partial])).joined(separator: "\n")
    }
}
