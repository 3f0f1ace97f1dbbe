import BenchSupport
import Foundation
import GatewayCore
import GatewayTestSupport

/// The release gateway on PostgreSQL with `projects` running containers × 10 running dev servers and nothing
/// happening: its CPU (share of one core over 30 s) and RSS once the file is written, and how long a change
/// committed by another process (psql, as another replica would) takes to reach the file Traefik reads.
/// Aims (issue 14): idle CPU < 2% of a core, RSS ≤ 150 MB, a change in the file within 1 s.
enum IdleAtScale {
    static func measure(projects: Int, work: URL) async throws {
        let database = try Database.fromEnvironment(name: "vibn_bench_preview_\(UUID().uuidString.prefix(8).lowercased())")
        try await database.create()
        do {
            try await self.measure(projects: projects, database: database, work: work)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    static func measure(projects: Int, database: Database, work: URL) async throws {
        let dynamic = work.appendingPathComponent("idle-dynamic")
        let file = dynamic.appendingPathComponent("vibn-previews.yml")
        let environment = [
            "DATABASE_URL": database.url, "GATEWAY_API_TOKEN": "bench-\(UUID().uuidString)", "VIBN_REPLICA_ID": "bench",
            "TRAEFIK_DYNAMIC_DIR": dynamic.path, "VIBN_PREVIEW_DOMAIN_BASE": "preview.test", "VIBN_PREVIEW_ENTRYPOINTS": "web",
            "VIBN_PREVIEW_CERT_RESOLVER": "",
        ]
        try await GatewayRun.with(environment: environment, port: try FreePort.next(), work: work) { gateway in
            let seeded = ContinuousClock.now
            try await database.psql("""
                INSERT INTO fs_project_dev_containers (project_id, workspace, service_uuid, image, state, project_slug, preview_token)
                SELECT 'idle-' || g, 'bench', 'svc' || g, 'vibn-dev:latest', 'running', 'app-' || g, md5(g::text)
                FROM generate_series(0, \(projects - 1)) g;
                INSERT INTO fs_dev_servers (id, project_id, workspace, name, command, port, preview_url, state)
                SELECT 'ds_' || lpad(to_hex(g * 10 + p), 12, '0'), 'idle-' || g, 'bench', 'web', 'npm run dev', 3000 + p, '', 'running'
                FROM generate_series(0, \(projects - 1)) g, generate_series(0, 9) p;
                """)
            let last = try await self.label(database, project: projects - 1, slot: 9)
            try await self.waitFor(file, toContain: last, within: .seconds(300))
            let loaded = (ContinuousClock.now - seeded).seconds
            let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            emit("idle-at-scale: release gateway on PostgreSQL, \(projects) running projects x 10 running dev servers; file \(bytes) bytes, written \(format(loaded)) s after the seed committed")

            try await Task.sleep(for: .seconds(5))
            let window = 30.0
            guard let before = cpuSeconds(gateway.pid) else { throw BenchFailure(description: "cannot read the gateway's CPU time") }
            try await Task.sleep(for: .seconds(window))
            let cpu = ((cpuSeconds(gateway.pid) ?? before) - before) / window * 100
            let rss = residentMegabytes(gateway.pid) ?? 0
            emit("idle-at-scale: cpu \(format(cpu, 2))% of a core over \(Int(window)) s aim<2 \(cpu < 2 ? "met" : "MISSED");",
                 "rss \(format(rss)) MB aim<=150 \(rss <= 150 ? "met" : "MISSED")")

            var latencies: [Double] = []
            for round in 0..<5 {
                let stopped = try await self.label(database, project: round * 7, slot: 3)
                let stamp = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
                let start = ContinuousClock.now
                try await database.psql("UPDATE fs_dev_servers SET state = 'stopped' WHERE id = '\(String(format: "ds_%012x", round * 7 * 10 + 3))'")
                while (try? FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date) == stamp {
                    guard ContinuousClock.now - start < .seconds(30) else { throw BenchFailure(description: "the stopped route never left the file") }
                    try await Task.sleep(for: .milliseconds(5))
                }
                latencies.append((ContinuousClock.now - start).seconds * 1000)
                let text = try String(contentsOf: file, encoding: .utf8)
                guard !text.contains(stopped + ":") else { throw BenchFailure(description: "the file was rewritten but still routes \(stopped)") }
                try await Task.sleep(for: .seconds(1))
            }
            let worst = latencies.max() ?? 0
            emit("idle-at-scale: a change committed by another process reached the file in",
                 latencies.map { format($0, 0) }.joined(separator: ", "), "ms (includes starting psql)",
                 "aim<=1000 \(worst <= 1000 ? "met" : "MISSED")")
        }
    }

    /// The router name of `project`'s `slot`, as the gateway derives it from the seeded slug and token.
    static func label(_ database: Database, project: Int, slot: Int) async throws -> String {
        let token = try await database.psql("SELECT md5('\(project)')")
        return PreviewHostLabel.label(
            slug: ProjectSlug(trusted: "app-\(project)"), token: PreviewToken(trusted: token), port: try PreviewPort(validating: 3000 + slot)
        )
    }

    static func waitFor(_ file: URL, toContain text: String, within limit: Duration) async throws {
        let start = ContinuousClock.now
        while (try? String(contentsOf: file, encoding: .utf8))?.contains(text) != true {
            guard ContinuousClock.now - start < limit else { throw BenchFailure(description: "\(file.path) never routed \(text)") }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
