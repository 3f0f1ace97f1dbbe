import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into the uniform JSON error body, so no caller ever sees an empty 500 or a stack trace.
///
/// Unexpected errors are logged here with the request id (Hummingbird logs them only at debug level).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error)
            if apiError.status == .internalServerError {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            } else if apiError.status.kind == .serverError {
                context.logger.warning("request failed", metadata: ["error.code": "\(apiError.code)"])
            }
            return try apiError.response(from: request, context: context)
        }
    }

    /// The answer for any error a route or middleware can throw.
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return .invalid(field: error.field, message: error.message)
        case let error as GatewayError:
            let headers: HTTPFields = error.retryAfterSeconds.map { [.retryAfter: String($0)] } ?? [:]
            return APIError(Self.status(for: error.kind), code: error.code, message: error.message, hint: error.hint, headers: headers)
        case let error as OrchestratorError:
            // Answered exactly as the error it carries.
            return Self.apiError(for: error.error)
        case let error as HTTPError:
            return Self.fromHummingbird(error)
        case let error as DecodingError:
            return Self.fromDecoding(error)
        default:
            return APIError(
                .internalServerError, code: .internalError,
                message: "The gateway failed unexpectedly; the error is logged with this request's id."
            )
        }
    }

    static func status(for kind: GatewayError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .quotaExceeded: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
        case .unavailable: .serviceUnavailable
        case .upstream: .badGateway
        case .timeout: .gatewayTimeout
        case .tooLarge: .contentTooLarge
        case .unprocessable: .unprocessableContent
        }
    }

    static func fromHummingbird(_ error: HTTPError) -> APIError {
        let code: GatewayError.Code
        let message: String
        switch error.status {
        case .notFound: (code, message) = (.notFound, "No such route.")
        case .contentTooLarge: (code, message) = (.bodyTooLarge, "The request body is over the limit.")
        case .methodNotAllowed: (code, message) = (.methodNotAllowed, "Method not allowed on this path.")
        case .badRequest: (code, message) = (.badRequest, error.body ?? "The request is malformed.")
        default:
            code = GatewayError.Code(APIError.snakeCase(error.status.reasonPhrase.replacingOccurrences(of: " ", with: "")))
            message = error.body ?? error.status.reasonPhrase
        }
        return APIError(error.status, code: code, message: message, headers: error.headers)
    }

    static func fromDecoding(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid(field: field, message: "is required")
        case .valueNotFound(let type, let context):
            return .invalid(field: path(context.codingPath), message: "must be a \(type), not null")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalid(field: field.isEmpty ? "body" : field, message: "must be of type \(type)")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return APIError(.badRequest, code: .invalidJSON, message: "The body is not valid JSON.")
            }
            return .invalid(field: field, message: "is not valid")
        @unknown default:
            return APIError(.badRequest, code: .invalidJSON, message: "The body could not be decoded.")
        }
    }
}
