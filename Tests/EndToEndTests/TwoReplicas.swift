import Events
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayTestSupport
import Testing

/// What the replicas of one run share: a fresh PostgreSQL database, one Coolify stand-in, one event receiver and
/// the API token. Each replica has its own `VIBN_REPLICA_ID`, port, folder and `TRAEFIK_DYNAMIC_DIR`.
struct ReplicaSetup: Sendable {
    let work: URL
    let token: String
    let coolify: CoolifyStandIn
    let receiver: EventReceiverStandIn
    /// The settings every replica has (store, Coolify, events, quota, backlog).
    let shared: [String: String]

    /// Turns a replica may have accepted and not yet applied (`VIBN_TURN_BACKLOG`): small, so a backlog that never
    /// empties shows within one run.
    static let turnBacklog = 40

    /// A session that opens as many connections as the test sends requests at once (the shared one opens 6 per host).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.default
        configuration.httpMaximumConnectionsPerHost = 64
        return URLSession(configuration: configuration)
    }()

    /// Runs `body` with a fresh database, the Coolify stand-in and the event receiver; removes them afterwards.
    static func withStandIns<T: Sendable>(_ body: @Sendable (ReplicaSetup) async throws -> T) async throws -> T {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        return try await GatewayStoreBackend.postgres.withSettings(work: work) { storeSettings in
            try await EventReceiverStandIn.withRunning { receiver in
                try await CoolifyStandIn.withRunning { coolify in
                    let token = "replicas-" + UUID().uuidString
                    let shared = [
                        "GATEWAY_API_TOKEN": token, "COOLIFY_API_URL": coolify.url.absoluteString,
                        "COOLIFY_API_TOKEN": coolify.token, "COOLIFY_SERVER_UUID": coolify.serverUUID,
                        "VIBN_ALLOW_DEV_CONTAINER_WITHOUT_SSH": "true", "VIBN_DEV_QUOTA_PER_WORKSPACE": "1000",
                        "GATEWAY_EVENTS_URL": receiver.url.absoluteString,
                        "GATEWAY_EVENTS_SECRET": StandardWebhookSigner.generateSecret(),
                        "VIBN_TURN_BACKLOG": String(Self.turnBacklog),
                    ].merging(storeSettings) { $1 }
                    return try await body(ReplicaSetup(work: work, token: token, coolify: coolify, receiver: receiver, shared: shared))
                }
            }
        }
    }

    /// The store every replica shares (`DATABASE_URL`).
    var databaseURL: String { self.shared["DATABASE_URL"] ?? "" }

    /// Traefik's watched directory of replica `name`.
    func dynamicDirectory(_ name: String) -> URL {
        self.work.appendingPathComponent(name).appendingPathComponent("dynamic")
    }

    /// A client of `gateway` with the API token and many connections.
    func client(_ gateway: GatewayProcess) -> GatewayClient {
        GatewayClient(origin: gateway.origin, token: self.token, session: Self.session)
    }

    /// Runs `serve` as replica `name` (its own id, port, folder and Traefik directory), runs `body`, stops it.
    func withReplica<T: Sendable>(
        _ name: String, _ body: @Sendable (GatewayProcess) async throws -> T
    ) async throws -> (result: T, exitedCleanly: Bool) {
        let dynamic = self.dynamicDirectory(name)
        try FileManager.default.createDirectory(at: dynamic, withIntermediateDirectories: true)
        var environment = self.shared
        environment["VIBN_REPLICA_ID"] = "replica-\(name)"
        environment["TRAEFIK_DYNAMIC_DIR"] = dynamic.path
        return try await GatewayProcess.with(
            environment: environment, directory: dynamic.deletingLastPathComponent(), port: try FreePort.next(), body
        )
    }

    /// Runs replicas `a` and `b` (A started first), runs `body` with both, stops them; both must exit cleanly.
    func withReplicas<T: Sendable>(_ body: @Sendable (TwoReplicas) async throws -> T) async throws -> T {
        let outer = try await self.withReplica("a") { a in
            try await self.withReplica("b") { b in try await body(TwoReplicas(a: a, b: b, setup: self)) }
        }
        #expect(outer.exitedCleanly && outer.result.exitedCleanly, "both replicas exit with status 0 on SIGTERM")
        return outer.result.result
    }

    /// Runs `sql` on the replicas' database with `psql`, as another replica or an operator would write it.
    func psql(_ sql: String) async throws {
        try await GatewayStoreBackend.run("psql", [self.databaseURL, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }
}

/// Replicas A and B of one run.
struct TwoReplicas: Sendable {
    let a: GatewayProcess
    let b: GatewayProcess
    let setup: ReplicaSetup

    var coolify: CoolifyStandIn { self.setup.coolify }
    var clients: [GatewayClient] { [self.setup.client(self.a), self.setup.client(self.b)] }

    /// Replica A's client for even numbers, B's for odd ones.
    func client(_ index: Int) -> GatewayClient { self.clients[index % 2] }

    /// `vibn-previews.yml` as replica A and replica B wrote it (nil while missing).
    func traefikFiles() -> [Data?] {
        ["a", "b"].map { name in
            try? Data(contentsOf: self.setup.dynamicDirectory(name).appendingPathComponent("vibn-previews.yml"))
        }
    }
}

/// A gateway project of the test: its id and slug in workspace `workspace`.
struct ReplicaProject: Sendable, Hashable {
    let workspace: String
    let id: String
    let slug: String

    /// `…/container` of the API.
    var containerPath: String { "/v1/workspaces/\(self.workspace)/projects/\(self.id)/container" }
    /// The Coolify service's name (`vibn-dev-{slug}`).
    var serviceName: String { "vibn-dev-\(self.slug)" }

    /// A chat-turn event's body.
    func turn(_ turnID: String, _ phase: String) -> String {
        #"{"workspace":"\#(self.workspace)","projectId":"\#(self.id)","projectSlug":"\#(self.slug)","turnId":"\#(turnID)","phase":"\#(phase)"}"#
    }
}

// MARK: - Reading what happened

extension GatewayClient {
    /// The value of one series of `/metrics`, e.g. `vibn_work_pending{kind="chat_turn"}`.
    func metric(_ series: String) async throws -> Int {
        let metrics = try await self.send("GET", "/metrics").text
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(series + " ") }),
              let value = line.split(separator: " ").last.flatMap({ Double($0) })
        else { throw EndToEndFailure(description: "no \(series) in /metrics:\n\(metrics.prefix(2000))") }
        return Int(value)
    }
}

extension CoolifyStandIn {
    /// How many `POST /services` asked for a service named `name`.
    func creates(named name: String) async -> Int {
        await self.calls().filter { call in
            guard call.method == "POST", call.path == "/services", let body = call.body,
                  let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            else { return false }
            return json["name"] as? String == name
        }.count
    }

    /// The uuid of the service named `name`, if the stand-in has one.
    func serviceUUID(named name: String) async -> String? {
        await self.services().values.first { $0.name == name }?.uuid
    }
}

/// One delivered outbound event, as the test reads it.
struct DeliveredEvent: Sendable, Hashable, CustomStringConvertible {
    let type: String
    let project: String
    /// `container.state_changed`'s `from` and `state` (nil for other types).
    let from: String?
    let state: String?

    init?(_ body: Data) {
        guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let type = json["type"] as? String, let data = json["data"] as? [String: Any]
        else { return nil }
        self.type = type
        self.project = data["projectId"] as? String ?? "?"
        self.from = data["from"] as? String
        self.state = type == "container.state_changed" ? data["state"] as? String : nil
    }

    init(type: String, project: String, from: String?, state: String?) {
        (self.type, self.project, self.from, self.state) = (type, project, from, state)
    }

    /// A `container.state_changed` event of `project`.
    static func container(_ project: String, from: String?, to state: String) -> DeliveredEvent {
        DeliveredEvent(type: "container.state_changed", project: project, from: from, state: state)
    }

    var description: String { "\(self.type)(\(self.project): \(self.from ?? "nil") → \(self.state ?? "-"))" }
}

extension Array {
    /// The results of `transform` on each element, one after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
