// ExecBench: the latency of `true` through SSHExec and through POST …/exec, beside a fresh `ssh host true`
// per call and a raw multiplexed `ssh` call, all against the same sshd in the same run.
// Run it with scripts/bench-exec (it starts the test sshd and exports VIBN_TEST_SSH_*).
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SSHExec
import Storage
import Subprocess

let iterations = Int(ProcessInfo.processInfo.environment["EXEC_BENCH_ITERATIONS"] ?? "") ?? 200
let peer = try SSHTestPeer.require()
let (service, _) = try peer.makeContainer()
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("exec-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer {
    try? peer.removeContainer(service)
    try? FileManager.default.removeItem(at: scratch)
}

// MARK: - Raw ssh, with the same key, known hosts and options as the module

let keyPath = scratch.appendingPathComponent("id").path
_ = FileManager.default.createFile(atPath: keyPath, contents: Data(peer.privateKey), attributes: [.posixPermissions: 0o600])
let knownHostsPath = scratch.appendingPathComponent("known_hosts").path
try (peer.knownHosts + "\n").write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
let controlPath = scratch.appendingPathComponent("cm").path
let baseOptions = [
    "-F", "/dev/null", "-i", keyPath, "-p", String(peer.port), "-l", peer.user, "-T",
    "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=\(knownHostsPath)", "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR",
]
let freshOptions = baseOptions + ["-o", "ControlMaster=no", "-o", "ControlPath=none"]
let muxOptions = baseOptions + ["-o", "ControlPath=\(controlPath)"]
/// The remote command line the module sends for `true` (docker exec with the stand-in, timeout, sh -c).
let moduleCommandLine = ShellQuote.join([
    "docker", "exec", "-u", "vibn", "-w", "/workspace", "vibn-dev-\(service)", "timeout", "-k", "2s", "60.000", "sh", "-c", "true",
])

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// Stops the run when a call did not succeed: a failing call must not be timed as a fast one.
func require(_ condition: Bool, _ what: String) throws {
    guard condition else { throw BenchFailure(description: "\(what) failed") }
}

@discardableResult
func ssh(_ arguments: [String]) async throws -> Int32? {
    let result = try await Subprocess.run(.name("ssh"), arguments: Arguments(arguments), output: .discarded, error: .discarded)
    if case .exited(let code) = result.terminationStatus { return code }
    return nil
}

// MARK: - Measuring

struct Series {
    let name: String
    var samples: [Duration] = []

    func percentile(_ p: Double) -> Double {
        let sorted = self.samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return Self.ms(sorted[max(0, index)])
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    var line: String {
        let padded = self.name.padding(toLength: 46, withPad: " ", startingAt: 0)
        return padded + String(format: "p50 %8.2f ms   p99 %8.2f ms   (n=%d)", self.percentile(0.5), self.percentile(0.99),
                               self.samples.count)
    }
}

/// One way of running `true`, timed on every `every`-th round.
struct Contender {
    let name: String
    var every = 1
    let call: () async throws -> Void
}

/// Runs the contenders round-robin, so a machine whose load changes during the run affects them alike.
func measure(_ contenders: [Contender], rounds: Int) async throws -> [Series] {
    for contender in contenders { try await contender.call() }  // warm-up: connections, caches
    var series = contenders.map { Series(name: $0.name) }
    let clock = ContinuousClock()
    for round in 0..<rounds {
        for (index, contender) in contenders.enumerated() where round % contender.every == 0 {
            let started = clock.now
            try await contender.call()
            series[index].samples.append(clock.now - started)
        }
    }
    return series
}

print("ExecBench: \(iterations) rounds (fresh ssh every 5th) against sshd \(peer.host):\(peer.port) (docker stand-in on the remote PATH)")

try require(try await ssh(muxOptions + ["-o", "ControlMaster=yes", "-o", "ControlPersist=60", "-N", "-f", "--", peer.host]) == 0, "master")
let shell = try SSHExec(peer.configuration())
let store = try await SQLiteStore.open(path: scratch.appendingPathComponent("bench.sqlite").path, logger: Logger(label: "exec-bench"))
try await store.migrate()
let project = ProjectID(trusted: "bench")
_ = try await store.reserveContainer(
    ContainerReservation(projectID: project, workspace: WorkspaceSlug(trusted: "bench"),
                         projectSlug: ProjectSlug(trusted: "bench"), image: "vibn-dev:latest", state: .running),
    at: Date()
)
_ = try await store.recordServiceUUID(service, for: project)
var quiet = Logger(label: "exec-bench")
quiet.logLevel = .warning
let app = try buildApplication(
    Gateway.testing(store: store, shell: shell, logger: quiet), http: HTTPSettings(apiToken: nil), configuration: .init(), logger: quiet
)
let results = try await app.test(.live) { client in
    try await measure([
        Contender(name: "fresh ssh per call: ssh host true", every: 5) {
            try require(try await ssh(freshOptions + ["--", peer.host, "true"]) == 0, "fresh ssh")
        },
        Contender(name: "raw multiplexed ssh: ssh host true") {
            try require(try await ssh(muxOptions + ["-o", "ControlMaster=no", "--", peer.host, "true"]) == 0, "raw mux")
        },
        Contender(name: "raw multiplexed ssh: same docker exec line") {
            try require(try await ssh(muxOptions + ["-o", "ControlMaster=no", "--", peer.host, moduleCommandLine]) == 0, "raw mux docker")
        },
        Contender(name: "SSHExec.exec(true)") {
            try require(try await shell.exec(ExecRequest(command: "true"), in: service).exitCode == 0, "SSHExec")
        },
        Contender(name: "POST …/exec {\"command\":\"true\"} (live HTTP)") {
            let status = try await client.execute(
                uri: "/v1/workspaces/bench/projects/bench/exec", method: .post,
                headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"command":"true"}"#)
            ) { $0.status }
            try require(status == .ok, "POST …/exec")
        },
    ], rounds: iterations)
}
try await ssh(muxOptions + ["-O", "exit", "--", peer.host])
await shell.close()
try await store.close()
for series in results { print(series.line) }
let (fresh, rawMux, rawMuxDocker, module, http) = (results[0], results[1], results[2], results[3], results[4])

print(String(format: "ratio SSHExec / raw multiplexed (same docker exec line): p50 %.2fx  (+%.2f ms)",
             module.percentile(0.5) / rawMuxDocker.percentile(0.5), module.percentile(0.5) - rawMuxDocker.percentile(0.5)))
print(String(format: "ratio SSHExec / raw multiplexed (ssh host true):          p50 %.2fx  (+%.2f ms)",
             module.percentile(0.5) / rawMux.percentile(0.5), module.percentile(0.5) - rawMux.percentile(0.5)))
print(String(format: "ratio fresh ssh / SSHExec:                                p50 %.1fx",
             fresh.percentile(0.5) / module.percentile(0.5)))
print(String(format: "ratio HTTP endpoint / SSHExec:                            p50 %.2fx  (+%.2f ms)",
             http.percentile(0.5) / module.percentile(0.5), http.percentile(0.5) - module.percentile(0.5)))
