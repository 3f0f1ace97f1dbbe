import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

@Suite("Health, readiness and the OpenAPI document")
struct HealthTests {
    @Test("/healthz and /readyz answer 200 on a working store, without a token")
    func healthAndReady() async throws {
        try await TestApp.make().test { client in
            try await client.execute(uri: "/healthz", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(try response.json()["status"] as? String == "ok")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/readyz", method: .get) { response throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("/readyz answers 503 with the error body when the store stops answering")
    func notReady() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            try await app.store.close()
            try await client.execute(uri: "/readyz", method: .get) { response throws in
                #expect(response.status == .serviceUnavailable)
                #expect(try response.errorBody().error.code == "store_unavailable")
            }
            try await client.execute(uri: "/healthz", method: .get) { response throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("/openapi.yaml serves the OpenAPI 3.1 document that lists the served paths")
    func openAPI() async throws {
        try await TestApp.make().test { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("openapi: 3.1"))
                for path in ["/healthz:", "/readyz:", "/openapi.yaml:", "/v1/workspaces/{workspace}/projects/{project}/container:"] {
                    #expect(text.contains(path), "\(path)")
                }
            }
        }
    }

    @Test("an unknown route is 404 and a wrong method (TRACE and OPTIONS too) is 405 with Allow, both with the error body")
    func unknownRouteAndMethod() async throws {
        try await TestApp.make().test { client in
            try await client.execute(uri: "/nope", method: .get) { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "not_found")
            }
            for method: HTTPRequest.Method in [.post, .trace, .options] {
                try await client.execute(uri: "/healthz", method: method) { response throws in
                    #expect(response.status == .methodNotAllowed, "\(method)")
                    #expect(response.headers[.allow] == "GET")
                    #expect(try response.errorBody().error.code == "method_not_allowed")
                }
            }
            // HEAD is 405 where there is no GET.
            try await client.execute(uri: "/v1/webhooks/coolify/any", method: .head) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }
}
