import Foundation
import GatewayCore

/// A service as `GET /services` and `GET /services/{uuid}` return it (only the fields the gateway reads).
public struct CoolifyService: Sendable, Decodable, Equatable {
    public let uuid: String
    public let name: String?
    public let description: String?
    /// Not in Coolify's published schema, but returned by the live API, e.g. `running:healthy`.
    public let status: String?
}

/// A Coolify project (`GET /projects`).
public struct CoolifyProject: Sendable, Decodable, Equatable {
    public let uuid: String
    public let name: String?
}

/// A server as `GET /servers/{uuid}` returns it (only the fields the gateway reads).
public struct CoolifyServer: Sendable, Decodable, Equatable {
    public let uuid: String
    public let name: String?
    public let ip: String?
    public let settings: Settings?

    /// What Coolify's own checks of the server found.
    public struct Settings: Sendable, Decodable, Equatable {
        public let is_reachable: Bool?
        public let is_usable: Bool?
    }
}

/// The body of `POST /services`: exactly these fields (Coolify answers 422 to unknown ones).
struct CreateServiceBody: Encodable, Sendable {
    let name: String
    let description: String
    let project_uuid: String
    let server_uuid: String
    /// Left out when nil (Coolify then picks the server's only destination).
    let destination_uuid: String?
    let environment_name: String
    /// The compose document as strict, padded base64.
    let docker_compose_raw: String
    let instant_deploy: Bool
}

/// The body of `POST /projects`.
struct CreateProjectBody: Encodable, Sendable {
    let name: String
    let description: String
}

/// The answer of a create: the new resource's uuid.
struct Created: Decodable {
    let uuid: String
}

extension CoolifyClient {
    // MARK: Services

    /// `POST /services`: creates a docker-compose service on `placement` (default: the configured server). Not
    /// retried, except after a 429.
    /// - Returns: The new service's uuid.
    public func createService(
        name: String, description: String, projectUUID: String, compose: String, instantDeploy: Bool, on placement: CoolifyPlacement? = nil
    ) async throws -> ServiceUUID {
        let body = CreateServiceBody(
            name: name, description: description, project_uuid: projectUUID,
            server_uuid: placement?.serverUUID ?? self.configuration.serverUUID,
            destination_uuid: placement.map(\.destinationUUID) ?? self.configuration.destinationUUID,
            environment_name: self.configuration.environmentName,
            docker_compose_raw: Data(compose.utf8).base64EncodedString(), instant_deploy: instantDeploy
        )
        let data = try await self.send("POST", "/services", body: body, replay: .onlyWhenRefused)
        return try Self.serviceUUID(try Self.decode(Created.self, data).uuid)
    }

    /// `GET /services/{uuid}`.
    public func service(_ uuid: ServiceUUID) async throws -> CoolifyService {
        try Self.decode(CoolifyService.self, try await self.send("GET", "/services/\(uuid)", replay: .idempotent))
    }

    /// `GET /services`: every service the token can see.
    public func services() async throws -> [CoolifyService] {
        try Self.decode([CoolifyService].self, try await self.send("GET", "/services", replay: .idempotent))
    }

    /// `POST /services/{uuid}/start` (queued by Coolify). Coolify's 400 `Service is already running.` counts as done,
    /// so a resume and its retries converge.
    /// - Returns: true when Coolify queued the start, false when it answered that the service already runs.
    @discardableResult
    public func startService(_ uuid: ServiceUUID) async throws -> Bool {
        !(try await self.send("POST", "/services/\(uuid)/start", replay: .idempotent, done: Self.alreadyRunning)).isEmpty
    }

    /// `POST /services/{uuid}/stop?docker_cleanup=false` (queued by Coolify). Without `docker_cleanup=false` Coolify
    /// runs `docker rmi` on every unused image not labelled `coolify.managed=true` after the stop: the dev image
    /// too, and with `pull_policy: never` the next resume fails. Coolify's 400 `Service is already stopped.` counts
    /// as done.
    /// - Returns: true when Coolify queued the stop, false when it answered that the service is already stopped.
    @discardableResult
    public func stopService(_ uuid: ServiceUUID) async throws -> Bool {
        !(try await self.send(
            "POST", "/services/\(uuid)/stop", query: [URLQueryItem(name: "docker_cleanup", value: "false")], replay: .idempotent,
            done: Self.alreadyStopped
        )).isEmpty
    }

    /// Coolify's answer to a start of a service whose status contains `running`.
    static let alreadyRunning = "Service is already running."
    /// Coolify's answer to a stop of a service whose status contains `stopped` or `exited`.
    static let alreadyStopped = "Service is already stopped."

    /// `DELETE /services/{uuid}`, with its volumes and configuration.
    public func deleteService(_ uuid: ServiceUUID) async throws {
        _ = try await self.send("DELETE", "/services/\(uuid)", replay: .idempotent)
    }

    // MARK: Servers

    /// `GET /servers/{uuid}`.
    public func server(_ uuid: String) async throws -> CoolifyServer {
        try Self.decode(CoolifyServer.self, try await self.send("GET", "/servers/\(uuid)", replay: .idempotent))
    }

    // MARK: Projects

    /// `GET /projects`.
    public func projects() async throws -> [CoolifyProject] {
        try Self.decode([CoolifyProject].self, try await self.send("GET", "/projects", replay: .idempotent))
    }

    /// `POST /projects`. Not retried, except after a 429.
    /// - Returns: The new project's uuid.
    public func createProject(name: String, description: String) async throws -> String {
        let data = try await self.send("POST", "/projects", body: CreateProjectBody(name: name, description: description),
                                       replay: .onlyWhenRefused)
        return try Self.decode(Created.self, data).uuid
    }

    // MARK: Decoding

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw GatewayError.coolifyFailed(status: 200, "unexpected answer: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }

    static func serviceUUID(_ raw: String) throws -> ServiceUUID {
        do {
            return try ServiceUUID(validating: raw)
        } catch {
            throw GatewayError.coolifyFailed(status: 200, "Coolify returned an unusable service uuid")
        }
    }
}
