import GatewayCore
import HTTPTypes
import Hummingbird

/// `…/workspaces/{workspace}/projects/{project}/container`: a project's dev container.
///
/// Without a lifecycle (Coolify not configured) the status is read from the store and every change
/// answers 503 `coolify_not_configured`.
struct ContainerController<Context: RequestContext> {
    let gateway: Gateway
    var lifecycle: ContainerLifecycle? { self.gateway.lifecycle }

    static var path: RouterPath { "workspaces/:workspace/projects/:project/container" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(Self.path) { _, context in try await self.status(context: context) }
        group.put(Self.path) { request, context in try await self.ensure(request: request, context: context) }
        group.methodNotAllowed(Self.path, allowed: [.get, .put])
        group.post("\(Self.path)/suspend") { _, context in
            let target = try ProjectPath(context: context)
            return try await self.requireLifecycle().suspend(workspace: target.workspace, project: target.project)
        }
        group.post("\(Self.path)/resume") { _, context in
            let target = try ProjectPath(context: context)
            return try await self.requireLifecycle().resume(workspace: target.workspace, project: target.project)
        }
        group.post("\(Self.path)/move") { request, context in
            let target = try ProjectPath(context: context)
            let body = try await request.decodeJSON(as: MoveBody.self, context: context)
            guard let mover = self.gateway.mover else { throw GatewayError.coolifyNotConfigured }
            return try await mover.move(workspace: target.workspace, project: target.project, to: body.server)
        }
        group.methodNotAllowed("\(Self.path)/suspend", allowed: [.post])
        group.methodNotAllowed("\(Self.path)/resume", allowed: [.post])
        group.methodNotAllowed("\(Self.path)/move", allowed: [.post])
    }

    func status(context: Context) async throws -> ContainerStatus {
        let target = try ProjectPath(context: context)
        return try await self.gateway.containerStatus(workspace: target.workspace, project: target.project)
    }

    /// The body of `POST …/container/move`.
    struct MoveBody: Decodable {
        let server: ServerName
    }

    /// The body of `PUT …/container`.
    struct EnsureBody: Decodable {
        let slug: ProjectSlug
        let name: String?
        let start: Bool?
    }

    func ensure(request: Request, context: Context) async throws -> EditedResponse<EnsureOutcome> {
        let target = try ProjectPath(context: context)
        let body = try await request.decodeJSON(as: EnsureBody.self, context: context)
        // Code points and line breaks exactly as openapi.yaml's `maxLength` and `pattern` count them.
        if let name = body.name, name.unicodeScalars.count > 200 || name.unicodeScalars.contains(where: Self.isLineBreak) {
            throw ValidationError(field: "name", message: "must be one line of at most 200 characters")
        }
        let outcome = try await self.requireLifecycle().ensure(
            EnsureRequest(workspace: target.workspace, project: target.project, slug: body.slug, name: body.name,
                          start: body.start ?? true)
        )
        return EditedResponse(status: outcome.created ? .created : .ok, response: outcome)
    }

    /// U+000A–U+000D, U+0085, U+2028 and U+2029: what `Character.isNewline` calls a line break.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        (0x0A...0x0D).contains(scalar.value) || [0x85, 0x2028, 0x2029].contains(scalar.value)
    }

    func requireLifecycle() throws -> ContainerLifecycle {
        guard let lifecycle = self.lifecycle else { throw GatewayError.coolifyNotConfigured }
        return lifecycle
    }
}

extension ContainerStatus: ResponseEncodable {}
extension EnsureOutcome: ResponseEncodable {}

/// The `{workspace}` and `{project}` path parameters, validated before any work is done.
struct ProjectPath {
    let workspace: WorkspaceSlug
    let project: ProjectID

    init(context: some RequestContext) throws {
        self.workspace = try WorkspaceSlug(validating: context.parameters.get("workspace") ?? "", field: "workspace")
        self.project = try ProjectID(validating: context.parameters.get("project") ?? "", field: "project")
    }
}
