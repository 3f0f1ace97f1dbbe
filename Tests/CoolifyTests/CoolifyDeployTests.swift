import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// `POST /deploy` and `GET /deployments/{uuid}`, as Coolify's DeployController answers them.
@Suite("Coolify client: deployments")
struct CoolifyDeployTests {
    @Test("a deploy is POSTed with the uuid as a query parameter and its deployment is read until it finishes")
    func deployAndFollow() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let application = await standIn.deployments.addApplication(name: "shop")
            let client = CoolifyClientTests.client(standIn)
            let queued = try await client.deploy(application: application)
            #expect(queued.message == "Application shop deployment queued." && !queued.alreadyQueued)
            #expect(await standIn.calls().contains { $0.method == "POST" && $0.path == "/deploy" })
            try await eventually("the deployment finishes", within: .seconds(10)) {
                (try? await client.deployment(queued.deploymentUUID))?.status == "finished"
            }
            let read = try await client.deployment(queued.deploymentUUID)
            #expect(read.deployment_url?.hasSuffix("/deployment/\(queued.deploymentUUID)") == true)
        }
    }

    @Test("an unknown application is coolify_not_found with Coolify's message; an unknown deployment too; 'already queued' is flagged")
    func refusals() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let client = CoolifyClientTests.client(standIn)
            let unknown = await #expect(throws: GatewayError.self) { try await client.deploy(application: "nosuchapp") }
            #expect(unknown?.code == .coolifyNotFound && unknown?.message.contains("No resources found.") == true, "\(String(describing: unknown))")
            let missing = await #expect(throws: GatewayError.self) { try await client.deployment("nosuchdeployment") }
            #expect(missing?.code == .coolifyNotFound)
            let application = await standIn.deployments.addApplication(name: "shop")
            await standIn.deployments.answerNextAsAlreadyQueued()
            let queued = try await client.deploy(application: application)
            #expect(queued.alreadyQueued)
        }
    }
}
