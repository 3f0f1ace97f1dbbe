import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered with an HTTP status and the uniform body
/// `{"error": {"code": "snake_case", "message": "…", "hint": "…"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: GatewayError.Code
    public let message: String
    public let hint: String?
    /// Extra response headers, e.g. `Allow` or `Retry-After`.
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: GatewayError.Code, message: String, hint: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.headers = headers
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let hint: String?
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(code: self.code.rawValue, message: self.message, hint: self.hint))
        let data = try JSONEncoder().encode(body)
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    static let unauthorized = APIError(
        .unauthorized, code: .unauthorized,
        message: "Missing or wrong bearer token.",
        hint: "Send 'Authorization: Bearer <token>'.",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    static func invalid(field: String, message: String) -> APIError {
        APIError(.badRequest, code: GatewayError.Code("invalid_\(Self.snakeCase(field))"), message: "\(field): \(message)")
    }

    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed, code: .methodNotAllowed, message: "This path accepts \(list).",
            headers: [.allow: list]
        )
    }

    static func tooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: .bodyTooLarge, message: "The request body is larger than \(limit) bytes.")
    }

    /// `serviceUuid` → `service_uuid`, for error codes built from field names.
    static func snakeCase(_ field: String) -> String {
        var out = ""
        for character in field {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else if character.isLetter || character.isNumber {
                out.append(character)
            } else {
                out += "_"
            }
        }
        return out
    }
}
