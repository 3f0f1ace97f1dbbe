import BenchSupport
import Foundation

/// What one load run measured: completed operations per second and their latency percentiles.
struct LoadResult {
    /// Answered 2xx (the gateway: accepted) or completed (pgbench).
    var completed: Int
    /// Answered otherwise (the gateway: 503 `overloaded`), or failed to connect or timed out.
    var refused: Int
    var seconds: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var perSecond: Double { Double(self.completed) / self.seconds }
}

/// `wrk` posting `ended` chat turns, each with a new turn id, round-robin over `projects` seeded projects.
enum TurnLoad {
    static func script(token: String, projects: Int) -> String {
        #"""
        local threads = {}
        function setup(thread)
          table.insert(threads, thread)
          thread:set("tid", #threads)
        end
        function init(args)
          counter = 0
          prefix = string.format("w%d-%d", tid, math.random(1, 1000000000))
        end
        function request()
          counter = counter + 1
          local body = string.format('{"workspace":"bench","projectId":"bench-%d","projectSlug":"app","turnId":"%s-%d","phase":"ended"}',
            (counter * 7 + tid) % \#(projects), prefix, counter)
          return wrk.format("POST", "/v1/events/chat-turn",
            {["Content-Type"] = "application/json", ["Authorization"] = "Bearer \#(token)"}, body)
        end
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("RESULT %d %d %d %d %d %f %f\n", summary.requests, e.status, e.connect + e.read + e.write, e.timeout,
            summary.duration, latency:percentile(50), latency:percentile(99)))
        end
        """#
    }

    /// Runs wrk with `connections` for `seconds` against `origin`.
    static func run(origin: String, token: String, projects: Int, connections: Int, seconds: Int, work: URL) async throws -> LoadResult {
        let script = work.appendingPathComponent("turns.lua")
        try Self.script(token: token, projects: projects).write(to: script, atomically: true, encoding: .utf8)
        let output = try await BenchSupport.run(
            "wrk", ["-t", "2", "-c", String(connections), "-d", "\(seconds)s", "-s", script.path, origin]
        )
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else {
            throw BenchFailure(description: "wrk printed no result:\n\(output)")
        }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count == 7 else { throw BenchFailure(description: "unexpected wrk result: \(line)") }
        let refused = Int(fields[1] + fields[2] + fields[3])
        return LoadResult(
            completed: Int(fields[0]) - Int(fields[1]), refused: refused, seconds: fields[4] / 1e6,
            p50Milliseconds: fields[5] / 1000, p99Milliseconds: fields[6] / 1000
        )
    }
}

/// pgbench running, per transaction, the SQL the gateway runs for one `ended` turn (PostgresStore, as PostgreSQL's
/// `log_statement = all` shows it: at the route the tenant check's container read and claimTurn; then
/// acquireProjectLease, takeNextTurn, touchContainer, finishTurn, the takeNextTurn that finds no more, and
/// releaseProjectLease), with bound parameters like the gateway's (`-M extended`).
enum FloorLoad {
    static let script = """
        \\set p random(0, :projects - 1)
        \\set n random(1, 2000000000)
        SELECT project_id, workspace, service_uuid, image, state, last_active_at, suspended_at, created_at, project_slug, \
        preview_token FROM fs_project_dev_containers WHERE project_id = 'bench-' || :p;
        INSERT INTO vibn_chat_turns (turn_id, phase, project_id, workspace, project_slug, received_at) \
        VALUES ('pg-' || :client_id || '-' || :n, 'ended', 'bench-' || :p, 'bench', 'app', now()) \
        ON CONFLICT (project_id, turn_id, phase) DO NOTHING RETURNING turn_id;
        INSERT INTO vibn_project_leases (project_id, purpose, owner, lease_until) \
        VALUES ('bench-' || :p, 'turns', 'pgbench-' || :client_id, now() + interval '60 seconds') \
        ON CONFLICT (project_id, purpose) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until \
        WHERE vibn_project_leases.owner = excluded.owner OR vibn_project_leases.lease_until < now() RETURNING owner;
        UPDATE vibn_chat_turns SET attempts = attempts + 1 \
        WHERE project_id = 'bench-' || :p AND (turn_id, phase) = (SELECT turn_id, phase FROM vibn_chat_turns \
        WHERE project_id = 'bench-' || :p AND applied_at IS NULL ORDER BY received_at, seq LIMIT 1) \
        RETURNING turn_id, phase, project_id, workspace, project_slug, received_at, attempts;
        UPDATE fs_project_dev_containers SET last_active_at = GREATEST(last_active_at, now()) \
        WHERE project_id = 'bench-' || :p AND workspace = 'bench' \
        RETURNING project_id, workspace, service_uuid, image, state, last_active_at, suspended_at, created_at, project_slug, preview_token;
        UPDATE vibn_chat_turns SET applied_at = now(), outcome = 'applied' \
        WHERE project_id = 'bench-' || :p AND turn_id = 'pg-' || :client_id || '-' || :n AND phase = 'ended' \
        AND applied_at IS NULL RETURNING turn_id;
        UPDATE vibn_chat_turns SET attempts = attempts + 1 \
        WHERE project_id = 'bench-' || :p AND (turn_id, phase) = (SELECT turn_id, phase FROM vibn_chat_turns \
        WHERE project_id = 'bench-' || :p AND applied_at IS NULL ORDER BY received_at, seq LIMIT 1) \
        RETURNING turn_id, phase, project_id, workspace, project_slug, received_at, attempts;
        DELETE FROM vibn_project_leases WHERE project_id = 'bench-' || :p AND purpose = 'turns' AND owner = 'pgbench-' || :client_id;

        """

    /// Runs pgbench with `connections` clients for `seconds` on `database`; latencies from its per-transaction log.
    static func run(database: Database, projects: Int, connections: Int, seconds: Int, work: URL) async throws -> LoadResult {
        let script = work.appendingPathComponent("per-turn.sql")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let logs = work.appendingPathComponent("pgbench-\(connections)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let output = try await BenchSupport.run("pgbench", database.connection + [
            "-n", "-M", "extended", "-c", String(connections), "-j", "2", "-T", String(seconds), "-D", "projects=\(projects)",
            "-f", script.path, "-l", "--log-prefix=\(logs.path)/tx", database.name,
        ])
        guard let transactions = Self.value(after: "number of transactions actually processed:", in: output) else {
            throw BenchFailure(description: "pgbench printed no result:\n\(output)")
        }
        let failed = Self.value(after: "number of failed transactions:", in: output) ?? 0
        // Each log line: client, transaction, latency in µs, script, epoch, µs.
        var latencies: [Double] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: logs.path) {
            let text = try String(contentsOf: logs.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count > 2, let microseconds = Double(fields[2]) { latencies.append(microseconds / 1000) }
            }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return LoadResult(
            completed: transactions, refused: failed, seconds: Double(seconds), p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99)
        )
    }

    /// The integer after `label` on its line of pgbench's report (e.g. `123/123` gives 123).
    static func value(after label: String, in output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains(label) }) else { return nil }
        let rest = line.components(separatedBy: label).last ?? ""
        return Int(rest.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
    }
}
