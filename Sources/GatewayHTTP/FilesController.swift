import GatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET · PUT · DELETE …/workspaces/{workspace}/projects/{project}/files?path=/workspace/…`: raw file bytes.
struct FilesController<Context: RequestContext> {
    let service: ExecService

    static var path: RouterPath { "workspaces/:workspace/projects/:project/files" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(Self.path) { request, context in try await self.read(request: request, context: context) }
        group.put(Self.path) { request, context in try await self.write(request: request, context: context) }
        group.delete(Self.path) { request, context in try await self.delete(request: request, context: context) }
        group.methodNotAllowed(Self.path, allowed: [.get, .put, .delete])
    }

    func read(request: Request, context: Context) async throws -> Response {
        let (target, path) = try Self.target(request: request, context: context)
        let bytes = try await self.service.readFile(path, limit: BodyLimits.files,
                                                    workspace: target.workspace, project: target.project)
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func write(request: Request, context: Context) async throws -> Response {
        let (target, path) = try Self.target(request: request, context: context)
        var request = request
        let body = try await request.collectBody(upTo: BodyLimits.files)
        try await self.service.writeFile(path, content: Array(body.readableBytesView),
                                         workspace: target.workspace, project: target.project)
        return Response(status: .noContent)
    }

    func delete(request: Request, context: Context) async throws -> Response {
        let (target, path) = try Self.target(request: request, context: context)
        try await self.service.deleteFile(path, workspace: target.workspace, project: target.project)
        return Response(status: .noContent)
    }

    /// The validated path parameters and `?path=`.
    static func target(request: Request, context: Context) throws -> (ProjectPath, WorkspacePath) {
        let target = try ProjectPath(context: context)
        let path = try WorkspacePath(validating: request.uri.queryParameters.get("path") ?? "")
        return (target, path)
    }
}
