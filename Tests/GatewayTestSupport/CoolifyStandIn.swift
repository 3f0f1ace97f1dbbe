import Foundation
import Hummingbird
import Logging
import NIOCore

/// A stand-in for Coolify's API on 127.0.0.1, following its OpenAPI document for the calls the gateway makes:
/// bearer auth, JSON only when `Accept: application/json` (HTML otherwise, as Laravel does), strict base64
/// compose and unknown-field rejection with Coolify's 422 shape, 404 for unknown uuids. Tests can make it answer
/// 429 with `Retry-After`, 500, or stall, and read back every call.
public final class CoolifyStandIn: Sendable {
    /// The origin to configure as `COOLIFY_API_URL`.
    public let url: URL
    public let token: String
    /// The one server services can be created on.
    public let serverUUID: String
    /// Its Applications and their deployments.
    public let deployments: CoolifyStandInDeployments
    let state: CoolifyStandInState

    init(url: URL, token: String, serverUUID: String, state: CoolifyStandInState, deployments: CoolifyStandInDeployments) {
        self.deployments = deployments
        self.url = url
        self.token = token
        self.serverUUID = serverUUID
        self.state = state
    }

    /// Runs `body` with a stand-in listening on a free loopback port, stopped afterwards.
    /// - Parameter onServiceChange: Called, before the answer, when a service is created, started, stopped or
    ///   deleted, so a test can make the machine follow (e.g. the docker stand-in's container directories).
    public static func withRunning<T: Sendable>(
        onServiceChange: ServiceChangeHandler? = nil,
        _ body: @Sendable (CoolifyStandIn) async throws -> T
    ) async throws -> T {
        let token = "standin-token-" + UUID().uuidString
        let serverUUID = "srv" + CoolifyStandInState.newUUID().prefix(21)
        let state = CoolifyStandInState(serverUUID: String(serverUUID), onServiceChange: onServiceChange)
        let deployments = CoolifyStandInDeployments()
        let router = CoolifyStandInRoutes(state: state, deployments: deployments, token: token).router()
        return try await LoopbackServer.with({ onServerRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "coolify-standin"),
                onServerRunning: onServerRunning,
                logger: Logger(label: "coolify-standin", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        }) { port in
            let standIn = CoolifyStandIn(
                url: URL(string: "http://127.0.0.1:\(port)")!, token: token, serverUUID: String(serverUUID), state: state,
                deployments: deployments
            )
            return try await body(standIn)
        }
    }

    // MARK: Test controls

    /// Makes the next `times` requests whose path starts with `pathPrefix` (under `/api/v1`) fail with `fault`.
    public func inject(_ fault: CoolifyFault, times: Int = 1, pathPrefix: String = "/") async {
        await self.state.inject(fault, times: times, pathPrefix: pathPrefix)
    }

    /// Gives the server these destinations (with more than one, creates must name one).
    public func setDestinations(_ uuids: [String]) async {
        await self.state.setDestinations(uuids)
    }

    /// How many stops asked Coolify to clean up Docker (which removes every unused image).
    public func cleanups() async -> Int {
        await self.state.cleanups
    }

    /// Whether the dev image is still on the host (a stop's cleanup removes it unless it is labelled).
    public func imagePresent() async -> Bool {
        await self.state.imagePresent
    }

    /// Labels the dev image `coolify.managed=true`, so Coolify's cleanups keep it.
    public func labelImage() async {
        await self.state.labelImage()
    }

    /// Revokes the token: every call then answers 400 `Invalid token.`, as Coolify does.
    /// Adds a server services may be created on (Coolify managing several); returns its uuid.
    public func addServer() async -> String {
        await self.state.addServer()
    }

    /// The server service `uuid` was created on, if it exists.
    public func server(of uuid: String) async -> String? {
        await self.state.services[uuid]?.serverUUID
    }

    /// Makes `GET /servers/{uuid}` report the server unreachable (as Coolify does when its SSH check fails).
    public func setServerReachable(_ reachable: Bool) async {
        await self.state.setServerReachable(reachable)
    }

    public func revokeToken() async {
        await self.state.revokeToken()
    }

    /// Makes every later start (and instant deploy) show in the status only after `lag`, as Coolify's server check
    /// does: the old status, `starting:unknown`, `exited` again, then `running:unknown`. Zero (the default): at once.
    public func setStartLag(_ lag: Duration) async {
        await self.state.setStartLag(lag)
    }

    /// Sets a service's status text, e.g. `exited` or `degraded:unhealthy`.
    public func setStatus(_ uuid: String, _ status: String) async {
        await self.state.setStatus(uuid, status)
    }

    /// Deletes a service, as someone might in Coolify's dashboard.
    public func removeService(_ uuid: String) async {
        _ = await self.state.removeService(uuid)
    }

    /// A service as the stand-in holds it.
    public func service(_ uuid: String) async -> CoolifyStandInState.Service? {
        await self.state.services[uuid]
    }

    /// Every service, by uuid.
    public func services() async -> [String: CoolifyStandInState.Service] {
        await self.state.services
    }

    /// Adds a project and returns its uuid.
    public func addProject(name: String) async -> String {
        await self.state.addProject(name: name)
    }

    /// Every call received, in order.
    public func calls() async -> [CoolifyStandInState.Call] {
        await self.state.calls
    }

    /// How many calls had this method and path (e.g. `POST`, `/services`).
    public func count(_ method: String, _ path: String) async -> Int {
        await self.state.calls.filter { $0.method == method && $0.path == path }.count
    }
}

/// What happened to a stand-in service, for ``CoolifyStandIn/withRunning(onServiceChange:_:)``.
public enum CoolifyServiceChange: Sendable, Equatable {
    /// Created; `deployed` when `instant_deploy` started it.
    case created(deployed: Bool)
    case started
    case stopped
    case deleted
}

extension CoolifyStandIn {
    /// Receives the service uuid and what happened to it.
    public typealias ServiceChangeHandler = @Sendable (String, CoolifyServiceChange) async throws -> Void
}

/// A failure the stand-in can be told to answer with.
public enum CoolifyFault: Sendable, Equatable {
    /// 429 `{"message":"Too Many Attempts."}` with `Retry-After`.
    case rateLimited(retryAfterSeconds: Int)
    /// 500 `{"message":"Server Error"}` (without doing anything).
    case serverError
    /// Handles the request, then waits this long before answering (a client that gave up lost the answer,
    /// though the request took effect).
    case stall(Duration)
}
