import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird

/// `POST …/workspaces/{workspace}/projects/{project}/exec`: runs a command in the project's dev container.
struct ExecController<Context: RequestContext> {
    let service: ExecService

    static var path: RouterPath { "workspaces/:workspace/projects/:project/exec" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(Self.path) { request, context in try await self.exec(request: request, context: context) }
        group.methodNotAllowed(Self.path, allowed: [.post])
    }

    func exec(request: Request, context: Context) async throws -> ExecReply {
        let target = try ProjectPath(context: context)
        let body = try await request.decodeJSON(as: ExecBody.self, context: context)
        let result = try await self.service.exec(try body.request(), workspace: target.workspace, project: target.project)
        return ExecReply(result)
    }
}

/// The body of `POST …/exec`.
struct ExecBody: Decodable {
    let command: String
    let cwd: String?
    let env: [String: String]?
    let user: String?
    /// Text fed to the command's standard input (UTF-8).
    let stdin: String?
    let timeoutMs: Int?
    let maxBytes: Int?

    /// The request with API.md's defaults; ranges are checked by ``ExecService``.
    func request() throws -> ExecRequest {
        ExecRequest(
            command: self.command,
            cwd: self.cwd ?? ExecRequest.defaultCwd,
            env: self.env ?? [:],
            user: self.user ?? ExecRequest.defaultUser,
            stdin: self.stdin.map { Array($0.utf8) },
            timeout: try self.timeoutMs.map(ExecRequest.timeout(milliseconds:)) ?? ExecRequest.defaultTimeout,
            maxBytes: self.maxBytes ?? ExecRequest.defaultMaxBytes
        )
    }
}

/// The reply of `POST …/exec`. Output bytes that are not valid UTF-8 are rendered as U+FFFD
/// (the files endpoint returns raw bytes); `exitCode` is null when the command timed out.
struct ExecReply: ResponseEncodable {
    let exitCode: Int32?
    let stdout: String
    let stderr: String
    let truncated: Bool
    let timedOut: Bool
    let durationMs: Int

    init(_ result: ExecResult) {
        self.exitCode = result.exitCode
        self.stdout = String(decoding: result.stdout, as: UTF8.self)
        self.stderr = String(decoding: result.stderr, as: UTF8.self)
        self.truncated = result.truncated
        self.timedOut = result.timedOut
        self.durationMs = result.durationMs
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.exitCode, forKey: .exitCode)  // null, not absent, on timeout
        try container.encode(self.stdout, forKey: .stdout)
        try container.encode(self.stderr, forKey: .stderr)
        try container.encode(self.truncated, forKey: .truncated)
        try container.encode(self.timedOut, forKey: .timedOut)
        try container.encode(self.durationMs, forKey: .durationMs)
    }

    enum CodingKeys: String, CodingKey {
        case exitCode, stdout, stderr, truncated, timedOut, durationMs
    }
}
