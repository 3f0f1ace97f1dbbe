import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The /v1 edge: auth, validation, limits")
struct V1EdgeTests {
    static let containerPath = "/v1/workspaces/acme/projects/proj_1/container"

    @Test("without the token, or with a wrong one, /v1 is 401 with the error body", arguments: [
        [:], [.authorization: "Bearer wrong"], [.authorization: "Basic dGVzdA=="], [.authorization: "Bearer "],
    ] as [HTTPFields])
    func unauthorized(headers: HTTPFields) async throws {
        try await TestApp.make().test { client in
            // Authentication runs before validation: a malformed slug on a protected route is 401 too.
            for uri in [Self.containerPath, "/v1/workspaces/BAD/projects/x/container"] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response throws in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(try response.errorBody().error.code == "unauthorized")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
            }
            // A path that is no route is 404 with or without the token: it reveals nothing either way.
            try await client.execute(uri: "/v1/anything", method: .get, headers: headers) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("an invalid workspace or project in the path is 400 naming it", arguments: [
        ("/v1/workspaces/Acme/projects/proj_1/container", "invalid_workspace"),
        ("/v1/workspaces/acme-/projects/proj_1/container", "invalid_workspace"),
        ("/v1/workspaces/\(String(repeating: "a", count: 41))/projects/p/container", "invalid_workspace"),
        ("/v1/workspaces/a%0Ab/projects/p/container", "invalid_workspace"),
        ("/v1/workspaces/acme/projects/proj.1/container", "invalid_project"),
        ("/v1/workspaces/acme/projects/p%24(id)/container", "invalid_project"),
        ("/v1/workspaces/acme/projects/\(String(repeating: "p", count: 65))/container", "invalid_project"),
    ])
    func invalidPath(uri: String, code: String) async throws {
        try await TestApp.make().test { client in
            try await client.execute(uri: uri, method: .get, headers: TestApp.authorized) { response throws in
                #expect(response.status == .badRequest)
                let error = try response.errorBody().error
                #expect(error.code == code)
            }
        }
    }

    @Test("a 2 MiB body is 413, never 500")
    func bodyTooLarge() async throws {
        try await TestApp.make().test { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20)
            for method in [HTTPRequest.Method.put, .post, .get] {
                try await client.execute(uri: Self.containerPath, method: method, headers: TestApp.authorized, body: body) { response throws in
                    #expect(response.status == .contentTooLarge, "\(method)")
                    #expect(try response.errorBody().error.code == "body_too_large")
                }
            }
        }
    }

    @Test("a wrong method on a /v1 route is 405 with Allow")
    func wrongMethod() async throws {
        try await TestApp.make().test { client in
            try await client.execute(uri: Self.containerPath, method: .patch, headers: TestApp.authorized) { response throws in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow]?.contains("GET") == true)
            }
        }
    }

    @Test("with no token configured, /v1 is open")
    func openWithoutToken() async throws {
        try await TestApp.make().test(apiToken: nil) { client in
            try await client.execute(uri: Self.containerPath, method: .get) { response throws in
                #expect(response.status == .ok)
            }
        }
    }
}
