import Foundation
import GatewayCore

/// A deployment as `GET /deployments/{uuid}` returns it (only the fields the gateway reads).
public struct CoolifyDeploymentStatus: Sendable, Decodable, Equatable {
    public let deployment_uuid: String?
    /// `queued`, `in_progress`, `finished`, `failed` or `cancelled-by-user`.
    public let status: String?
    /// Where Coolify shows the deployment, e.g. `https://coolify.example.com/project/…/deployment/{uuid}`.
    public let deployment_url: String?
    public let commit: String?

    public init(deployment_uuid: String?, status: String?, deployment_url: String?, commit: String?) {
        self.deployment_uuid = deployment_uuid
        self.status = status
        self.deployment_url = deployment_url
        self.commit = commit
    }
}

/// The answer of `POST /deploy`: one entry per resource asked for.
struct DeployAnswer: Decodable {
    struct Entry: Decodable {
        let message: String?
        let resource_uuid: String?
        let deployment_uuid: String?
    }

    let deployments: [Entry]
}

/// What a deploy request queued.
public struct QueuedDeployment: Sendable, Equatable {
    public var deploymentUUID: String
    /// Coolify's message, e.g. `Application shop deployment queued.`
    public var message: String
    /// Coolify answered `Deployment already queued for this commit.`: the uuid it returned is a fresh one it never
    /// stored (its `DeployController` makes one before it finds the queued deployment), so only the deployment
    /// webhook can tell how that deployment ends.
    public var alreadyQueued: Bool
}

extension CoolifyClient {
    /// Coolify's message when a deployment of the same commit is queued or running.
    static let alreadyQueued = "Deployment already queued for this commit."

    /// `POST /deploy?uuid=…`: queues a deployment of the application (Coolify answers `GET /deploy` with 405 since
    /// v4.0.0-beta.4xx: "This endpoint has changed to a POST request."). Not retried, except after a 429.
    /// - Throws: ``GatewayError`` `coolify_not_found` ("No resources found."), `coolify_invalid_request` when the
    ///   answer queued nothing (its message says why).
    public func deploy(application uuid: String) async throws -> QueuedDeployment {
        let data = try await self.send("POST", "/deploy", query: [URLQueryItem(name: "uuid", value: uuid)], replay: .onlyWhenRefused)
        let answer = try Self.decode(DeployAnswer.self, data)
        let entry = answer.deployments.first { $0.resource_uuid == uuid } ?? answer.deployments.first
        guard let entry, let deployment = entry.deployment_uuid, !deployment.isEmpty else {
            throw GatewayError(
                .upstream, code: .coolifyInvalidRequest,
                message: "Coolify queued no deployment of \(uuid): \(entry?.message ?? "no answer for it")",
                hint: "Check that the uuid is an Application's (a Service cannot be deployed from git)."
            )
        }
        return QueuedDeployment(
            deploymentUUID: deployment, message: entry.message ?? "", alreadyQueued: entry.message == Self.alreadyQueued
        )
    }

    /// `GET /deployments/{uuid}`.
    public func deployment(_ uuid: String) async throws -> CoolifyDeploymentStatus {
        try Self.decode(CoolifyDeploymentStatus.self, try await self.send("GET", "/deployments/\(uuid)", replay: .idempotent))
    }
}
