import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

@Suite("GET …/container")
struct ContainerRouteTests {
    @Test("a project with no row is 200 with state absent")
    func absent() async throws {
        try await TestApp.make().test { client in
            try await client.execute(
                uri: "/v1/workspaces/acme/projects/proj_1/container", method: .get, headers: TestApp.authorized
            ) { response throws in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["exists"] as? Bool == false)
                #expect(json["state"] as? String == "absent")
                #expect(json.keys.contains("serviceUuid"))
                #expect(json["serviceUuid"] is NSNull)
                #expect((json["previews"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("a recorded container answers from the store with its live previews; another workspace gets 404")
    func recorded() async throws {
        let app = try await TestApp.make()
        let project = try ProjectID(validating: "proj_2")
        let created = Date().addingTimeInterval(-90)
        _ = try await app.store.reserveContainer(
            ContainerReservation(
                projectID: project, workspace: WorkspaceSlug(validating: "acme"), projectSlug: ProjectSlug(validating: "app"),
                image: "vibn-dev:latest"
            ),
            at: created
        )
        _ = try await app.store.recordServiceUUID(ServiceUUID(validating: "svc123"), for: project)
        _ = try await app.store.transitionContainer(project, from: .provisioning, to: .running, at: created)
        for (port, state) in [(3001, DevServerState.running), (3000, .starting), (3002, .stopped)] {
            let server = DevServerRecord(
                id: .random(), projectID: project, workspace: WorkspaceSlug(trusted: "acme"), name: "web", command: "npm run dev",
                port: try PreviewPort(validating: port), pid: nil, previewURL: "https://preview-\(port - 3000).example",
                state: state, startedAt: created, stoppedAt: state == .stopped ? created : nil
            )
            try await app.store.insertDevServer(server)
        }
        try await app.test { client in
            try await client.execute(
                uri: "/v1/workspaces/acme/projects/proj_2/container", method: .get, headers: TestApp.authorized
            ) { response throws in
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["exists"] as? Bool == true)
                #expect(json["state"] as? String == "running")
                #expect(json["serviceUuid"] as? String == "svc123")
                #expect((json["ageSeconds"] as? Int ?? 0) >= 90)
                // Live dev servers only (the stopped one on 3002 is left out), by port.
                let previews = try #require(json["previews"] as? [[String: Any]])
                #expect(previews.map { $0["port"] as? Int } == [3000, 3001])
                #expect(previews.map { $0["slot"] as? Int } == [0, 1])
                #expect(previews.map { $0["state"] as? String } == ["starting", "running"])
                #expect(previews.first?["url"] as? String == "https://preview-0.example")
            }
            try await client.execute(
                uri: "/v1/workspaces/other/projects/proj_2/container", method: .get, headers: TestApp.authorized
            ) { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "project_not_found")
            }
        }
    }
}
