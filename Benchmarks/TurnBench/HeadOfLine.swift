import BenchSupport
import Foundation
import GatewayTestSupport

/// Eight new projects whose Coolify create takes 3 s each, started at once: when is each one's service recorded?
/// Projects do not wait for each other when all are recorded within about 2 x 3 s (one after another: 24 s).
enum HeadOfLine {
    static let projects = 8
    static let createDelay = Duration.seconds(3)

    static func measure(work: URL, token: String, suffix: String) async throws {
        let database = try Database.fromEnvironment(name: "vibn_bench_hol_\(suffix)")
        try await database.create()
        let result: Result<[Double], any Error>
        do {
            result = .success(try await Self.recordTimes(database: database, work: work, token: token))
        } catch {
            result = .failure(error)
        }
        try? await database.drop()
        let times = try result.get()
        let bound = 2 * Self.createDelay.seconds
        emit(
            "head of line: \(Self.projects) new projects, create \(format(Self.createDelay.seconds, 0)) s each, started at once:",
            "services recorded after \(times.map { format($0) }.joined(separator: ", ")) s",
            "| last \(format(times.last ?? 0)) s aim<=\(format(bound, 0)) s \(verdict((times.last ?? .infinity) <= bound))",
            "(one at a time would be \(format(Double(Self.projects) * Self.createDelay.seconds, 0)) s)"
        )
    }

    /// Starts a gateway on `database` with a Coolify stand-in whose creates stall, posts the eight `started` turns at
    /// once, and returns the seconds until each project's service was recorded, in order.
    static func recordTimes(database: Database, work: URL, token: String) async throws -> [Double] {
        try await CoolifyStandIn.withRunning { coolify in
            let environment = [
                "DATABASE_URL": database.url, "GATEWAY_API_TOKEN": token, "VIBN_REPLICA_ID": "bench-hol",
                "COOLIFY_API_URL": coolify.url.absoluteString, "COOLIFY_API_TOKEN": coolify.token,
                "COOLIFY_SERVER_UUID": coolify.serverUUID, "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH": "true",
                "VIBN_DEV_QUOTA_PER_WORKSPACE": "100",
            ]
            return try await GatewayRun.with(environment: environment, port: try FreePort.next(), work: work) { gateway in
                await coolify.inject(.stall(Self.createDelay), times: Self.projects, pathPrefix: "/services")
                let start = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<Self.projects {
                        group.addTask { try await Self.postStarted(index, to: gateway, token: token) }
                    }
                    try await group.waitForAll()
                }
                var recorded: [String: Double] = [:]
                while recorded.count < Self.projects {
                    guard ContinuousClock.now - start < .seconds(120) else {
                        throw BenchFailure(description: "only \(recorded.count) services recorded after 120 s:\n\(gateway.logTail())")
                    }
                    let rows = try await database.psql("SELECT project_id FROM fs_project_dev_containers WHERE service_uuid <> ''")
                    for project in rows.split(separator: "\n") where recorded[String(project)] == nil {
                        recorded[String(project)] = (ContinuousClock.now - start).seconds
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return recorded.values.sorted()
            }
        }
    }

    /// Posts the `started` turn of project `hol-{index}`; anything but 202 fails the run.
    static func postStarted(_ index: Int, to gateway: GatewayRun, token: String) async throws {
        let body = #"{"workspace":"hol","projectId":"hol-\#(index)","projectSlug":"app\#(index)","turnId":"t\#(index)","phase":"started"}"#
        let status = try await run("curl", [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(token)",
            "-H", "Content-Type: application/json", "--data", body, "\(gateway.origin)/v1/events/chat-turn",
        ])
        guard status == "202" else { throw BenchFailure(description: "turn \(index) answered \(status)") }
    }
}
