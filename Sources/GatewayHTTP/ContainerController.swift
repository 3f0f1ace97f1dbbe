import GatewayCore
import HTTPTypes
import Hummingbird

/// `…/workspaces/{workspace}/projects/{project}/container`: a project's dev container.
struct ContainerController<Context: RequestContext> {
    let directory: ProjectDirectory

    static var path: RouterPath { "workspaces/:workspace/projects/:project/container" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(Self.path) { _, context in try await self.status(context: context) }
        group.methodNotAllowed(Self.path, allowed: [.get])
    }

    func status(context: Context) async throws -> ContainerStatus {
        let target = try ProjectPath(context: context)
        return try await self.directory.status(workspace: target.workspace, project: target.project)
    }
}

extension ContainerStatus: ResponseEncodable {}

/// The `{workspace}` and `{project}` path parameters, validated before any work is done.
struct ProjectPath {
    let workspace: WorkspaceSlug
    let project: ProjectID

    init(context: some RequestContext) throws {
        self.workspace = try WorkspaceSlug(validating: context.parameters.get("workspace") ?? "", field: "workspace")
        self.project = try ProjectID(validating: context.parameters.get("project") ?? "", field: "project")
    }
}
