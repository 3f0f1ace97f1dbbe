import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `…/workspaces/{workspace}/projects/{project}/dev-servers`: start (POST), list (GET), stop (DELETE `/{id}`) and
/// log tails (GET `/{id}/logs`) of a project's dev servers.
struct DevServerController<Context: RequestContext> {
    let devServers: DevServers

    static var collection: RouterPath { "workspaces/:workspace/projects/:project/dev-servers" }
    static var item: RouterPath { "workspaces/:workspace/projects/:project/dev-servers/:id" }
    static var logs: RouterPath { "workspaces/:workspace/projects/:project/dev-servers/:id/logs" }

    /// The log lines returned when `?lines=` is absent.
    static var defaultLogLines: Int { 200 }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(Self.collection) { request, context in try await self.start(request: request, context: context) }
        group.get(Self.collection) { _, context in try await self.list(context: context) }
        group.methodNotAllowed(Self.collection, allowed: [.get, .post])
        group.delete(Self.item) { _, context in try await self.stop(context: context) }
        group.methodNotAllowed(Self.item, allowed: [.delete])
        group.get(Self.logs) { request, context in try await self.logs(request: request, context: context) }
        group.methodNotAllowed(Self.logs, allowed: [.get])
    }

    // MARK: - Routes

    func start(request: Request, context: Context) async throws -> EditedResponse<DevServerReply> {
        let target = try ProjectPath(context: context)
        let body = try await request.decodeJSON(as: StartBody.self, context: context)
        guard PreviewPort.range.contains(body.port) else { throw GatewayError.portOutOfRange(body.port) }
        let server = try await self.devServers.start(
            command: body.command, port: try PreviewPort(validating: body.port), name: body.name,
            workspace: target.workspace, project: target.project
        )
        return EditedResponse(status: .created, response: DevServerReply(server))
    }

    func list(context: Context) async throws -> DevServerList {
        let target = try ProjectPath(context: context)
        let servers = try await self.devServers.list(workspace: target.workspace, project: target.project)
        return DevServerList(devServers: servers.map(DevServerReply.init))
    }

    func stop(context: Context) async throws -> Response {
        let id = try Self.id(context: context)
        let target = try ProjectPath(context: context)
        try await self.devServers.stop(id, workspace: target.workspace, project: target.project)
        return Response(status: .noContent)
    }

    func logs(request: Request, context: Context) async throws -> Response {
        let id = try Self.id(context: context)
        let target = try ProjectPath(context: context)
        let lines = try request.uri.queryParameters.get("lines").map { raw in
            guard let lines = Int(raw) else {
                throw ValidationError(field: "lines", message: "must be an integer from 1 to \(DevServers.maxLogLines)")
            }
            return lines
        } ?? Self.defaultLogLines
        let bytes = try await self.devServers.logs(id, lines: lines, workspace: target.workspace, project: target.project)
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The `{id}` path parameter, validated before anything else is touched.
    static func id(context: Context) throws -> DevServerID {
        try DevServerID(validating: context.parameters.get("id") ?? "")
    }
}

// MARK: - Bodies

/// The body of `POST …/dev-servers`. The port is decoded as any integer so that one outside 3000–3009 is a 422.
struct StartBody: Decodable {
    let command: String
    let port: Int
    let name: String?
}

/// A dev server as the API shows it; `failureReason` and `stoppedAt` only when set.
struct DevServerReply: ResponseEncodable {
    let id: String
    let name: String
    let command: String
    let port: Int
    let pid: Int?
    let previewUrl: String
    let state: String
    let startedAt: String
    let failureReason: String?
    let stoppedAt: String?

    init(_ server: DevServerRecord) {
        self.id = server.id.rawValue
        self.name = server.name
        self.command = server.command
        self.port = server.port.number
        self.pid = server.pid
        self.previewUrl = server.previewURL
        self.state = server.state.rawValue
        self.startedAt = server.startedAt.formatted(.iso8601)
        self.failureReason = server.failureReason
        self.stoppedAt = server.stoppedAt?.formatted(.iso8601)
    }
}

/// The reply of `GET …/dev-servers`.
struct DevServerList: ResponseEncodable {
    let devServers: [DevServerReply]
}
