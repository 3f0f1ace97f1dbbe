import Foundation
import GatewayCore
import Hummingbird
import Logging
import NIOCore

/// `/healthz`, `/readyz` and `/openapi.yaml`: what load balancers and API clients read.
struct HealthController<Context: RequestContext> {
    let store: any Store
    let openAPIDocument: ByteBuffer
    /// How long `/readyz` waits for the store before answering 503.
    let readinessTimeout: Duration

    struct Health: ResponseEncodable {
        let status: String
    }

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in Health(status: "ok") }
        router.methodNotAllowed("healthz", allowed: [.get])
        router.get("readyz") { _, context in try await self.ready(context: context) }
        router.methodNotAllowed("readyz", allowed: [.get])
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: self.openAPIDocument)
            )
        }
        router.methodNotAllowed("openapi.yaml", allowed: [.get])
    }

    func ready(context: Context) async throws -> Health {
        let store = self.store
        do {
            try await withDeadline(self.readinessTimeout) { try await store.ping() }
            return Health(status: "ready")
        } catch {
            context.logger.warning("store not ready", metadata: ["error": "\(error)"])
            throw (error as? GatewayError) ?? GatewayError.storeUnavailable("\(error)")
        }
    }
}

/// The project's OpenAPI document, shipped as a resource of this module.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static func load() throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }
}
