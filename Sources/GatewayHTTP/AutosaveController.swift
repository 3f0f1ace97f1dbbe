import Foundation
import GatewayCore
import Hummingbird

/// `POST …/workspaces/{workspace}/projects/{project}/autosave`: pushes the project's workspace to `vibn-autosave/main`.
struct AutosaveController<Context: RequestContext> {
    let autosave: Autosave

    static var path: RouterPath { "workspaces/:workspace/projects/:project/autosave" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(Self.path) { request, context in try await self.save(request: request, context: context) }
        group.methodNotAllowed(Self.path, allowed: [.post])
    }

    /// The body of `POST …/autosave`; an empty body means `{}`.
    struct Body: Decodable {
        let force: Bool?
    }

    func save(request: Request, context: Context) async throws -> AutosaveReply {
        let target = try ProjectPath(context: context)
        let body = try await request.decodeJSON(as: Body.self, context: context, ifEmpty: Body(force: nil))
        let result = try await self.autosave.save(workspace: target.workspace, project: target.project, force: body.force ?? false)
        return AutosaveReply(result)
    }
}

/// The reply of `POST …/autosave`: `pushedAt` (ISO 8601) and `commit` only when a commit was pushed.
struct AutosaveReply: ResponseEncodable {
    let ran: Bool
    let reason: String
    let pushedAt: String?
    let commit: String?

    init(_ result: AutosaveResult) {
        self.ran = result.ran
        self.reason = result.reason
        self.pushedAt = result.pushedAt?.formatted(.iso8601)
        self.commit = result.commit
    }
}
