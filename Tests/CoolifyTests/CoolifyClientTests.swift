@testable import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import Testing

@Suite("Coolify client")
struct CoolifyClientTests {
    static func client(
        _ standIn: CoolifyStandIn, token: String? = nil, project: String? = nil, timeout: Duration = .seconds(10)
    ) -> CoolifyClient {
        CoolifyClient(
            configuration: CoolifyConfiguration(
                apiURL: standIn.url, token: token ?? standIn.token, serverUUID: standIn.serverUUID, projectUUID: project,
                requestTimeout: timeout,
                retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50), maxRetryAfter: .seconds(2))
            ),
            logger: Logger(label: "coolify-tests")
        )
    }

    @Test("create sends exactly the allowed fields with strict base64 compose; get, stop, start and delete follow")
    func serviceRoundTrip() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let project = await standIn.addProject(name: "p")
            let client = Self.client(standIn, project: project)
            let compose = "services:\n  vibn-dev:\n    image: vibn-dev:latest\n"
            let uuid = try await client.createService(
                name: "vibn-dev-app", description: "d", projectUUID: project, compose: compose, instantDeploy: true
            )
            let stored = try #require(await standIn.service(uuid.rawValue))
            #expect(stored.compose == compose)
            #expect(stored.name == "vibn-dev-app")
            let body = try #require(await standIn.calls().first { $0.method == "POST" && $0.path == "/services" }?.body)
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(Set(fields.keys) == ["name", "description", "project_uuid", "server_uuid", "environment_name", "docker_compose_raw", "instant_deploy"])
            #expect(fields["environment_name"] as? String == "production")
            #expect(try await client.service(uuid).status == "starting:unknown")
            try await client.stopService(uuid)
            #expect(try await client.service(uuid).status == "exited")
            try await client.startService(uuid)
            #expect(try await client.service(uuid).status == "running:unknown")
            try await client.deleteService(uuid)
            await #expect(throws: GatewayError.self) { try await client.service(uuid) }
        }
    }

    @Test("errors keep Coolify's message: 401, 404, 422 with its errors object")
    func errorMapping() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let unknown = ServiceUUID(trusted: "doesnotexist000000000000")
            let notFound = await #expect(throws: GatewayError.self) { try await Self.client(standIn).service(unknown) }
            #expect(notFound?.code.rawValue == "coolify_not_found")
            #expect(notFound?.message.contains("Service not found.") == true)
            let unauthorized = await #expect(throws: GatewayError.self) { try await Self.client(standIn, token: "wrong").services() }
            #expect(unauthorized?.code.rawValue == "coolify_unauthorized")
            #expect(unauthorized?.message.contains("Unauthenticated.") == true)
            let invalid = await #expect(throws: GatewayError.self) {
                try await Self.client(standIn).createService(name: "x", description: "d", projectUUID: "", compose: "a", instantDeploy: false)
            }
            #expect(invalid?.code.rawValue == "coolify_invalid_request")
            #expect(invalid?.message.contains("project_uuid") == true)
            #expect(invalid.map(OrchestratorError.init(coolify:))?.provesNothingDone == true)
        }
    }

    @Test("429 with Retry-After is retried after the wait; 500 is retried on reads but never on create")
    func retries() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let project = await standIn.addProject(name: "p")
            let client = Self.client(standIn)
            await standIn.inject(.rateLimited(retryAfterSeconds: 1), pathPrefix: "/projects")
            let started = ContinuousClock.now
            #expect(try await client.projects().count == 1)
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(await standIn.count("GET", "/projects") == 2)

            await standIn.inject(.serverError, times: 2, pathPrefix: "/projects")
            #expect(try await client.projects().count == 1)

            await standIn.inject(.serverError, pathPrefix: "/services")
            let failed = await #expect(throws: GatewayError.self) {
                try await client.createService(name: "x", description: "d", projectUUID: project, compose: "a: 1", instantDeploy: false)
            }
            #expect(failed?.code.rawValue == "coolify_unavailable")
            #expect(failed.map(OrchestratorError.init(coolify:))?.provesNothingDone == false)
            #expect(await standIn.count("POST", "/services") == 1)

            await standIn.inject(.rateLimited(retryAfterSeconds: 60), pathPrefix: "/projects")
            let limited = await #expect(throws: GatewayError.self) { try await client.projects() }
            #expect(limited?.code.rawValue == "coolify_rate_limited")
            #expect(limited?.hint?.contains("60") == true)
        }
    }

    @Test("a stalled answer is a timeout, retried for reads")
    func stall() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            await standIn.inject(.stall(.seconds(5)), times: 5, pathPrefix: "/services")
            let client = Self.client(standIn, timeout: .milliseconds(500))
            let started = ContinuousClock.now
            let error = await #expect(throws: GatewayError.self) { try await client.services() }
            #expect(error?.code.rawValue == "coolify_timeout")
            #expect(ContinuousClock.now - started >= .milliseconds(1500))
        }
    }

    @Test("every Coolify status maps to what the lifecycle acts on", arguments: [
        ("running:healthy", ServiceHealth.running), ("running:unknown", .running), ("running:unhealthy", .running),
        ("starting:unknown", .starting), ("starting:unhealthy", .starting), ("restarting:unknown", .starting),
        ("degraded:unhealthy", .failed), ("exited", .stopped), ("exited:unhealthy", .stopped), ("stopped", .stopped),
        ("failed", .failed), ("dead", .failed), ("", .unknown), ("weird", .unknown),
    ])
    func statusMapping(raw: String, health: ServiceHealth) {
        #expect(CoolifyStatus.health(of: raw) == health)
    }

    @Test("the orchestrator finds a service by name and owner, and makes one Coolify project per gateway project")
    func orchestrator() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let orchestrator = CoolifyOrchestrator(client: Self.client(standIn))
            let identity = ServiceIdentity(project: ProjectID(trusted: "p1"), workspace: WorkspaceSlug(trusted: "acme"), projectSlug: ProjectSlug(trusted: "app"))
            #expect(try await orchestrator.findService(identity) == nil)
            let uuid = try await orchestrator.createService(ServiceSpec(identity: identity, displayName: "App", compose: "a: 1", instantDeploy: true))
            let other = ServiceIdentity(project: ProjectID(trusted: "p2"), workspace: WorkspaceSlug(trusted: "beta"), projectSlug: ProjectSlug(trusted: "app"))
            _ = try await orchestrator.createService(ServiceSpec(identity: other, displayName: "App", compose: "a: 1", instantDeploy: true))
            #expect(try await orchestrator.findService(identity) == uuid)
            #expect(await standIn.count("POST", "/projects") == 2)
            #expect(try await orchestrator.serviceStatus(uuid) == ServiceStatus(raw: "starting:unknown", health: .starting))
        }
    }

    @Test("the orchestrator's failures are OrchestratorErrors that carry the client's error and what it proves")
    func orchestratorErrors() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let unknown = ServiceUUID(trusted: "doesnotexist000000000000")
            let missing = await #expect(throws: OrchestratorError.self) {
                try await CoolifyOrchestrator(client: Self.client(standIn)).serviceStatus(unknown)
            }
            #expect(missing?.outcome == .serviceMissing && missing?.error.code.rawValue == "coolify_not_found")
            #expect(missing?.description == missing?.error.description)
            let refused = await #expect(throws: OrchestratorError.self) {
                try await CoolifyOrchestrator(client: Self.client(standIn, token: "wrong")).startService(unknown)
            }
            #expect(refused?.outcome == .refused && refused?.error.code.rawValue == "coolify_unauthorized")
            await standIn.inject(.serverError, times: 5, pathPrefix: "/services")
            let failed = await #expect(throws: OrchestratorError.self) {
                try await CoolifyOrchestrator(client: Self.client(standIn)).findService(
                    ServiceIdentity(project: ProjectID(trusted: "p1"), workspace: WorkspaceSlug(trusted: "acme"), projectSlug: ProjectSlug(trusted: "app"))
                )
            }
            #expect(failed?.outcome == .unknown && failed?.error.code.rawValue == "coolify_unavailable")
        }
    }

    @Test("what each Coolify error code proves", arguments: [
        ("coolify_not_found", OrchestratorError.Outcome.serviceMissing), ("coolify_unauthorized", .refused),
        ("coolify_conflict", .refused), ("coolify_invalid_request", .refused), ("coolify_rate_limited", .refused),
        ("coolify_unreachable", .refused), ("coolify_unavailable", .unknown), ("coolify_timeout", .unknown),
        ("coolify_connection_lost", .unknown),
    ])
    func outcomes(code: String, outcome: OrchestratorError.Outcome) {
        let error = OrchestratorError(coolify: GatewayError(.upstream, code: GatewayError.Code(code), message: "m"))
        #expect(error.outcome == outcome)
        #expect(error.provesNothingDone == (outcome != .unknown))
    }
}
