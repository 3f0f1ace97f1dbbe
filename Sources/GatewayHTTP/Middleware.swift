import GatewayCore
import HTTPTypes
import Hummingbird

/// Answers 413 at once when a declared `Content-Length` is over the path's limit, before any route reads the body.
/// Bodies without a length are cut off by the limit when a route collects them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = BodyLimits.limit(forPath: request.uri.path)
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.tooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}

/// Requires `Authorization: Bearer <token>`, compared in constant time, on every route of the group it is added to.
///
/// It is attached to the protected `/v1` route group, so it runs for exactly the routes it protects, whatever
/// shape the request's path had (`//v1/…`, `/./v1/…`, percent-encoding): authentication is never decided by
/// comparing path strings. With no token configured (loopback only), it lets all through.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token = self.token {
            guard let presented = Self.bearer(request.headers[.authorization]), ConstantTime.equal(presented, token) else {
                throw APIError.unauthorized
            }
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header value.
    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return String(header.dropFirst(7))
    }
}

/// Echoes the request id (also in every log line of the request) as `X-Request-Id`.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        return response
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
