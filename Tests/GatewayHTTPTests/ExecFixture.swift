import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SSHExec
import Storage

/// A test app whose project `proj_1` of workspace `acme` has a stand-in container on the real test sshd,
/// reached through a real ``SSHExec``.
struct ExecFixture {
    static let projectPath = "/v1/workspaces/acme/projects/proj_1"

    let app: TestApp
    let peer: SSHTestPeer
    let service: ServiceUUID
    /// The container's `/workspace`, as seen on this machine.
    let workspace: URL
    let project = ProjectID(trusted: "proj_1")

    /// The fixture with the container row in `state`.
    static func make(state: ContainerState = .provisioning) async throws -> ExecFixture {
        let peer = try SSHTestPeer.require()
        let app = try await TestApp.make()
        let (service, workspace) = try peer.makeContainer()
        let project = ProjectID(trusted: "proj_1")
        _ = try await app.store.reserveContainer(
            ContainerReservation(projectID: project, workspace: WorkspaceSlug(trusted: "acme"),
                                 projectSlug: ProjectSlug(trusted: "app"), image: "vibn-dev:latest", state: state),
            at: Date()
        )
        _ = try await app.store.recordServiceUUID(service, for: project)
        return ExecFixture(app: app, peer: peer, service: service, workspace: workspace)
    }

    /// Runs `body` against the app wired to a fresh SSHExec, then stops it.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let shell = try SSHExec(self.peer.configuration())
        do {
            try await self.app.test(shell: shell, body)
        } catch {
            await shell.close()
            throw error
        }
        await shell.close()
    }
}

extension TestClientProtocol {
    /// `POST …/exec` of `projectPath` with `json` as the body.
    func exec<Return>(
        _ json: String,
        projectPath: String = ExecFixture.projectPath,
        _ check: @escaping (TestResponse) async throws -> Return
    ) async throws -> Return {
        var headers = TestApp.authorized
        headers[.contentType] = "application/json"
        return try await self.execute(uri: projectPath + "/exec", method: .post, headers: headers,
                                      body: ByteBuffer(string: json), testCallback: check)
    }
}
