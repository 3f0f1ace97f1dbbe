import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import URLSessionSupport

/// The stand-in's Applications and their deployments: `POST /deploy?uuid=…` queues one, which then runs and ends as
/// ``outcome`` says, and, when ``webhookURL`` is set, Coolify's `deployment_success` / `deployment_failed` webhook
/// is POSTed there (Coolify sends these for Applications only).
public actor CoolifyStandInDeployments {
    /// How a queued deployment ends.
    public enum Outcome: Sendable {
        case succeeded, failed
        /// It stays `in_progress` until ``finish(_:succeeded:)``.
        case held
    }

    public struct Deployment: Sendable, Equatable {
        public let uuid: String
        public let applicationUUID: String
        public var status: String
        public var url: String { "https://coolify.example.test/project/p/environment/e/application/\(self.applicationUUID)/deployment/\(self.uuid)" }
    }

    /// Application uuid → name.
    public private(set) var applications: [String: String] = [:]
    public private(set) var deployments: [String: Deployment] = [:]
    var outcome = Outcome.succeeded
    var webhookURL: URL?
    /// When set, the next deploy is answered "already queued" with a uuid Coolify never stored, as the real one does.
    var answerAlreadyQueued = false

    public init() {}

    /// Adds an Application; returns its uuid.
    public func addApplication(name: String) -> String {
        let uuid = "app" + String(CoolifyStandInState.newUUID().prefix(21))
        self.applications[uuid] = name
        return uuid
    }

    /// How later deployments end.
    public func setOutcome(_ outcome: Outcome) { self.outcome = outcome }

    /// Where deployment webhooks go (nil: none is sent, as when the notification is off or lost).
    public func setWebhookURL(_ url: URL?) { self.webhookURL = url }

    /// Makes the next deploy answer "Deployment already queued for this commit."
    public func answerNextAsAlreadyQueued() { self.answerAlreadyQueued = true }

    /// Ends a held deployment (and sends its webhook).
    public func finish(_ uuid: String, succeeded: Bool) async {
        guard var deployment = self.deployments[uuid] else { return }
        deployment.status = succeeded ? "finished" : "failed"
        self.deployments[uuid] = deployment
        await self.notify(deployment)
    }

    /// Queues and runs a deployment of `application` as a deploy from elsewhere would (Coolify's own git webhook);
    /// returns its uuid.
    public func queueDeployment(of application: String) -> String {
        let deployment = Deployment(uuid: CoolifyStandInState.newUUID(), applicationUUID: application, status: "queued")
        self.deployments[deployment.uuid] = deployment
        let outcome = self.outcome
        Task { await self.run(deployment.uuid, outcome: outcome) }
        return deployment.uuid
    }

    /// `POST /deploy?uuid=…`: Coolify's answer body and status.
    func deploy(_ uuid: String?) -> (status: Int, body: Data) {
        guard let uuid, !uuid.isEmpty else { return Self.answer(400, ["message": "You must provide uuid or tag."]) }
        guard let name = self.applications[uuid] else { return Self.answer(404, ["message": "No resources found."]) }
        if self.answerAlreadyQueued {
            self.answerAlreadyQueued = false
            // Coolify's DeployController answers a fresh uuid it never stores.
            return Self.answer(200, ["deployments": [["message": "Deployment already queued for this commit.", "resource_uuid": uuid, "deployment_uuid": CoolifyStandInState.newUUID()]]])
        }
        let deployment = self.queueDeployment(of: uuid)
        return Self.answer(200, ["deployments": [["message": "Application \(name) deployment queued.", "resource_uuid": uuid, "deployment_uuid": deployment]]])
    }

    /// `GET /deployments/{uuid}`.
    func deployment(_ uuid: String) -> (status: Int, body: Data) {
        guard let deployment = self.deployments[uuid] else { return Self.answer(404, ["message": "Deployment not found."]) }
        return Self.answer(200, [
            "deployment_uuid": deployment.uuid, "status": deployment.status, "deployment_url": deployment.url,
            "application_name": self.applications[deployment.applicationUUID] ?? "", "commit": "HEAD",
        ])
    }

    /// A JSON answer.
    static func answer(_ status: Int, _ object: Any) -> (status: Int, body: Data) {
        (status, (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8))
    }

    private func run(_ uuid: String, outcome: Outcome) async {
        try? await Task.sleep(for: .milliseconds(200))
        guard self.deployments[uuid]?.status == "queued" else { return }
        self.deployments[uuid]?.status = "in_progress"
        guard outcome != .held else { return }
        try? await Task.sleep(for: .milliseconds(300))
        await self.finish(uuid, succeeded: outcome == .succeeded)
    }

    /// POSTs the deployment webhook, if a URL is set (failures are ignored, as Coolify's are).
    private func notify(_ deployment: Deployment) async {
        guard let url = self.webhookURL else { return }
        let succeeded = deployment.status == "finished"
        let body: [String: Any] = [
            "success": succeeded, "message": succeeded ? "New version successfully deployed" : "Deployment failed",
            "event": succeeded ? "deployment_success" : "deployment_failed",
            "application_name": self.applications[deployment.applicationUUID] ?? "", "application_uuid": deployment.applicationUUID,
            "deployment_uuid": deployment.uuid, "deployment_url": deployment.url, "project": "p", "environment": "production",
        ]
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try? JSONSerialization.data(withJSONObject: body)
        _ = try? await URLSession.shared.response(to: request)
    }
}
