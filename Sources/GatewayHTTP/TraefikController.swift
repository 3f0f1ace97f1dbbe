import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v1/traefik/dynamic`: the preview routes for Traefik's HTTP provider.
///
/// JSON by default, YAML for `Accept: application/yaml`; `ETag` and 304 on `If-None-Match`.
/// Authenticated by its own bearer token, `TRAEFIK_PROVIDER_TOKEN`, never the API token: a proxy's configuration
/// must not hold the key to exec. Without that token the route is off and answers 404 `traefik_provider_disabled`.
struct TraefikController<Context: RequestContext> {
    let source: any PreviewRoutesSource
    /// `TRAEFIK_PROVIDER_TOKEN`; nil: the route is off.
    let token: String?

    static var path: RouterPath { "traefik/dynamic" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(Self.path) { request, _ in try await self.dynamic(request) }
        group.methodNotAllowed(Self.path, allowed: [.get])
    }

    func dynamic(_ request: Request) async throws -> Response {
        guard let token = self.token else {
            throw APIError(
                .notFound, code: .traefikProviderDisabled,
                message: "The Traefik HTTP provider route is off: TRAEFIK_PROVIDER_TOKEN is not set.",
                hint: "Set TRAEFIK_PROVIDER_TOKEN on the gateway and the same token in Traefik's HTTP provider headers."
            )
        }
        guard let presented = BearerAuthMiddleware<Context>.bearer(request.headers[.authorization]),
              ConstantTime.equal(presented, token)
        else { throw APIError.unauthorized }
        let wantsYAML = Self.acceptsYAML(request.headers[.accept])
        let body: String
        let etag: String
        if wantsYAML {
            let (yaml, version) = try await self.source.currentYAML()
            (body, etag) = (yaml, "\"\(version)-yaml\"")
        } else {
            let document = try await self.source.currentDocument()
            (body, etag) = (document.json, "\"\(document.version)\"")
        }
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "no-cache"]
        if let match = request.headers[.ifNoneMatch],
           match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = wantsYAML ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Whether an `Accept` header asks for YAML (`application/yaml`, `application/x-yaml` or `text/yaml`).
    static func acceptsYAML(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.split(separator: ",").contains { item in
            let type = item.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return ["application/yaml", "application/x-yaml", "text/yaml"].contains(type)
        }
    }
}
