import Coolify
import Foundation
import GatewayCore
import GatewayTestSupport
import Logging
import Testing

/// Coolify's server webhooks with a server list: each listed server's are the gateway's, and they concern only the
/// containers on that server.
@Suite("Server webhooks with several servers")
struct ServerWebhookTests {
    @Test("server_unreachable of one listed server marks and pauses only its containers until server_reachable; an unlisted server's is ignored", arguments: StoreBackend.allCases)
    func unreachableServer(backend: StoreBackend) async throws {
        try await CoolifyStandIn.withRunning { standIn in
            try await LifecycleFixture.withIsolatedStore(backend) { store in
                let uuids = [standIn.serverUUID, await standIn.addServer()]
                let slots = [ServerSlot(name: ServerName(trusted: "host-a"), capacity: 1, coolifyServerUUID: uuids[0]),
                             ServerSlot(name: ServerName(trusted: "host-b"), capacity: 1, coolifyServerUUID: uuids[1])]
                let client = CoolifyClient(
                    configuration: CoolifyConfiguration(apiURL: standIn.url, token: standIn.token, serverUUID: uuids[0]),
                    logger: Logger(label: "server-webhook-tests")
                )
                let placements = Dictionary(uniqueKeysWithValues: zip(slots.map(\.name), uuids.map { CoolifyPlacement(serverUUID: $0, destinationUUID: nil) }))
                let gateway = Gateway.testing(
                    store: store, orchestrator: CoolifyOrchestrator(client: client, servers: CoolifyServers(placements)),
                    settings: .testing(), servers: ServerFleet(slots)
                )
                let lifecycle = try #require(gateway.lifecycle)
                let workspace = uniqueWorkspace()
                let projects = [uniqueProject(), uniqueProject()]
                for project in projects {
                    _ = try await lifecycle.ensure(EnsureRequest(workspace: workspace, project: project, slug: ProjectSlug(trusted: "app")))
                }
                #expect(try await projects.asyncMap { try await store.container($0)?.server.rawValue } == ["host-a", "host-b"])
                let processor = try #require(gateway.webhooks)
                await processor.process(WebhookDelivery(digest: "elsewhere", event: .serverUnreachable(serverUUID: "srvnotours"), receivedAt: Date()))
                #expect(try await store.diagnostics(projects[0]).coolifyStatus == nil, "another server's webhook is ignored")
                await processor.process(WebhookDelivery(digest: "b-down", event: .serverUnreachable(serverUUID: uuids[1]), receivedAt: Date()))
                #expect(try await store.diagnostics(projects[1]).coolifyStatus == "server:unreachable")
                #expect(try await store.diagnostics(projects[0]).coolifyStatus == nil, "host-a's container is not marked")
                #expect(await standIn.server(of: try #require(try await store.container(projects[1])?.serviceUUID).rawValue) == uuids[1])

                // Both services run; the reconciler polls host-a's container but leaves host-b's alone until it is back.
                for project in projects {
                    await standIn.setStatus(try #require(try await store.container(project)?.serviceUUID).rawValue, "running:healthy")
                }
                let reconciler = try #require(gateway.reconciler)
                let paused = await reconciler.reconcileOnce(includeRunning: true)
                #expect(!paused.skipped && paused.checked == 1)
                #expect(try await store.container(projects[0])?.state == .running)
                #expect(try await store.container(projects[1])?.state == .provisioning)
                await processor.process(WebhookDelivery(digest: "b-up", event: .serverReachable(serverUUID: uuids[1]), receivedAt: Date()))
                #expect(try await store.container(projects[1])?.state == .running, "server_reachable reconciles host-b at once")
            }
        }
    }
}

extension Array {
    /// The elements mapped in order by an async function.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}
