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

    @Test("a recorded container answers from the store; another workspace gets 404")
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
