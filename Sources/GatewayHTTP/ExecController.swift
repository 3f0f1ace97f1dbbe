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
        let request = try body.request()
        let result = try await self.service.exec(request, workspace: target.workspace, project: target.project)
        return ExecReply(result, maxBytes: request.maxBytes)
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

    /// The request with openapi.yaml's defaults; the command's length and `maxBytes` (what a reply may hold) are checked
    /// here, at the edge, the other rules by ``ExecService``.
    func request() throws -> ExecRequest {
        guard self.command.utf8.count <= ExecRequest.maxCommandBytes else {
            throw ValidationError(field: "command", message: "must be at most \(ExecRequest.maxCommandBytes) bytes")
        }
        if let maxBytes = self.maxBytes, !ExecRequest.replyMaxBytesRange.contains(maxBytes) {
            throw ValidationError(field: "maxBytes", message: "must be between 1 and \(ExecRequest.replyMaxBytesRange.upperBound)")
        }
        return ExecRequest(
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
///
/// Each stream's JSON string is at most `maxBytes` bytes once escaped, so output of control bytes (a NUL becomes the
/// six bytes `\u0000`) cannot blow a reply up to six times what was asked for; what is cut sets `truncated`.
struct ExecReply: ResponseEncodable {
    let exitCode: Int32?
    let stdout: String
    let stderr: String
    let truncated: Bool
    let timedOut: Bool
    let durationMs: Int

    init(_ result: ExecResult, maxBytes: Int) {
        let stdout = Self.text(result.stdout, escapedLimit: maxBytes)
        let stderr = Self.text(result.stderr, escapedLimit: maxBytes)
        self.exitCode = result.exitCode
        self.stdout = stdout.text
        self.stderr = stderr.text
        self.truncated = result.truncated || stdout.cut || stderr.cut
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

    /// `bytes` as text, cut where its JSON-escaped form would pass `escapedLimit` bytes.
    static func text(_ bytes: [UInt8], escapedLimit: Int) -> (text: String, cut: Bool) {
        let decoded = String(decoding: bytes, as: UTF8.self)
        var cost = 0
        var end = decoded.unicodeScalars.startIndex
        for scalar in decoded.unicodeScalars {
            cost += Self.escapedWidth(scalar)
            guard cost <= escapedLimit else { return (String(decoded.unicodeScalars[..<end]), true) }
            end = decoded.unicodeScalars.index(after: end)
        }
        return (decoded, false)
    }

    /// The bytes `scalar` takes inside a JSON string as JSONEncoder writes it.
    static func escapedWidth(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x22, 0x5C, 0x2F, 0x08, 0x09, 0x0A, 0x0C, 0x0D: 2
        case 0..<0x20: 6
        default: UTF8.width(scalar)
        }
    }
}
