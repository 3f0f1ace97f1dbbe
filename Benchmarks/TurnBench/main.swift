// Chat turns through `POST /v1/events/chat-turn` of the release gateway on PostgreSQL, 1,000 running projects,
// at 8 and 32 connections (wrk, each turn new), beside pgbench running the SQL the gateway runs per turn at the
// same concurrency: turns/s, the ratio, p50/p99, every accepted turn applied (none dropped), the seconds until
// nothing is pending, and the gateway's RSS idle and at its peak. Then the head-of-line figure: 8 new projects whose
// Coolify create takes 3 s each, started at once, and when each one's service is recorded.
// TURN_BENCH_SECONDS (default 10) sets each load's duration; TURN_BENCH_CONNECTIONS (default 8,32) the connections.
import BenchSupport
import Foundation
import GatewayTestSupport

let environment = ProcessInfo.processInfo.environment
let seconds = Int(environment["TURN_BENCH_SECONDS"] ?? "") ?? 10
let connectionCounts = (environment["TURN_BENCH_CONNECTIONS"] ?? "8,32").split(separator: ",").compactMap { Int($0) }
let projects = 1000
let token = "bench-" + UUID().uuidString
let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-turn-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
let suffix = UUID().uuidString.prefix(8).lowercased()
let gatewayDatabase = try Database.fromEnvironment(name: "vibn_bench_gateway_\(suffix)")
let floorDatabase = try Database.fromEnvironment(name: "vibn_bench_floor_\(suffix)")

/// Seeds `projects` running containers `bench-{i}` of workspace `bench`.
func seed(_ database: Database) async throws {
    try await database.psql("""
        INSERT INTO fs_project_dev_containers (project_id, workspace, service_uuid, image, state, project_slug, preview_token)
        SELECT 'bench-' || g, 'bench', 'svc' || g, 'vibn-dev:latest', 'running', 'app', md5(g::text)
        FROM generate_series(0, \(projects - 1)) g
        """)
}

/// Polls `database` until no turn is pending; returns the seconds it took.
func drain(_ database: Database) async throws -> Double {
    let start = ContinuousClock.now
    while try await database.integer("SELECT count(*) FROM vibn_chat_turns WHERE applied_at IS NULL") > 0 {
        guard ContinuousClock.now - start < .seconds(600) else { throw BenchFailure(description: "turns still pending after 600 s") }
        try await Task.sleep(for: .milliseconds(100))
    }
    return (ContinuousClock.now - start).seconds
}

/// Samples the gateway's RSS every 100 ms until cancelled; returns the peak.
func peakRSS(of pid: Int32) async -> Double {
    var peak = 0.0
    while !Task.isCancelled {
        peak = max(peak, residentMegabytes(pid) ?? 0)
        try? await Task.sleep(for: .milliseconds(100))
    }
    return peak
}

/// The throughput runs against `gateway`: each connection count, its floor, drain, drops and RSS.
func throughput(_ gateway: GatewayRun) async throws {
    try await seed(gatewayDatabase)
    try await seed(floorDatabase)
    try await Task.sleep(for: .seconds(2))
    let idle = residentMegabytes(gateway.pid) ?? 0
    emit("turns: release gateway on PostgreSQL, \(projects) running projects, `ended` turns for \(seconds) s per run; floor: pgbench, same SQL per turn")
    emit("rss idle: \(format(idle)) MB")
    var peak = idle
    for connections in connectionCounts {
        let floor = try await FloorLoad.run(database: floorDatabase, projects: projects, connections: connections, seconds: seconds, work: work)
        let sampler = Task { await peakRSS(of: gateway.pid) }
        let load = try await TurnLoad.run(
            origin: gateway.origin, token: token, projects: projects, connections: connections, seconds: seconds, work: work
        )
        let drained = try await drain(gatewayDatabase)
        sampler.cancel()
        peak = max(peak, await sampler.value)
        // Claimed: every turn the gateway stored, including those answered after wrk's window closed (wrk counts
        // only the answers it read within it). Each must be applied.
        let claimed = try await gatewayDatabase.integer("SELECT count(*) FROM vibn_chat_turns WHERE turn_id LIKE 'w%'")
        let applied = try await gatewayDatabase.integer(
            "SELECT count(*) FROM vibn_chat_turns WHERE turn_id LIKE 'w%' AND applied_at IS NOT NULL AND outcome = 'applied'"
        )
        try await gatewayDatabase.psql("DELETE FROM vibn_chat_turns")
        let ratio = load.perSecond / floor.perSecond
        emit(
            "conns=\(connections): gateway \(format(load.perSecond, 0)) turns/s (p50 \(format(load.p50Milliseconds, 2)) ms,",
            "p99 \(format(load.p99Milliseconds, 2)) ms; accepted \(load.completed), refused \(load.refused))",
            "| pgbench \(format(floor.perSecond, 0)) turns/s (p50 \(format(floor.p50Milliseconds, 2)) ms, p99 \(format(floor.p99Milliseconds, 2)) ms)",
            "| ratio \(format(ratio, 2)) aim>=0.80 \(verdict(ratio >= 0.8))"
        )
        let dropped = claimed - applied
        emit(
            "conns=\(connections): applied \(applied) of \(claimed) claimed (\(load.completed) answered 202 within the window),",
            "dropped \(dropped) \(verdict(dropped == 0 && claimed >= load.completed));",
            "drained \(format(drained)) s after the load (load \(seconds) s; aim <= \(2 * seconds) s from its start: \(format(Double(seconds) + drained)) s",
            "\(verdict(Double(seconds) + drained <= Double(2 * seconds))))"
        )
    }
    let metric = try await gateway.pendingTurnsMetric()
    emit("vibn_work_pending{kind=\"chat_turn\"} after the runs: \(metric.map(String.init) ?? "absent")")
    emit("rss peak under load: \(format(peak)) MB aim<=150 \(verdict(peak <= 150))")
}

func verdict(_ met: Bool) -> String { met ? "met" : "MISSED" }

for database in [gatewayDatabase, floorDatabase] { try await database.create() }
do {
    try await run(environment["VIBN_GATEWAY_BIN"] ?? "vibn-gateway", ["migrate"], environment: ["DATABASE_URL": floorDatabase.url])
    try await GatewayRun.with(
        environment: ["DATABASE_URL": gatewayDatabase.url, "GATEWAY_API_TOKEN": token, "VIBN_REPLICA_ID": "bench"],
        port: try FreePort.next(), work: work
    ) { gateway in
        try await throughput(gateway)
    }
    try await HeadOfLine.measure(work: work, token: token, suffix: String(suffix))
} catch {
    emit("turn bench failed: \(error)")
    for database in [gatewayDatabase, floorDatabase] { try? await database.drop() }
    exit(1)
}
for database in [gatewayDatabase, floorDatabase] { try? await database.drop() }
