import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The stand-in's routes under `/api/v1`, answering as Coolify's OpenAPI document says.
struct CoolifyStandInRoutes: Sendable {
    let state: CoolifyStandInState
    let deployments: CoolifyStandInDeployments
    let token: String

    /// The fields `POST /services` accepts; any other is a 422.
    static let createServiceFields: Set<String> = [
        "type", "name", "description", "project_uuid", "environment_name", "environment_uuid", "server_uuid",
        "destination_uuid", "instant_deploy", "docker_compose_raw", "urls", "force_domain_override",
        "is_container_label_escape_enabled", "tags",
    ]

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let api = router.group("api/v1")
        api.post("services") { request, _ in try await self.handle(request, path: "/services") { try await self.createService($0) } }
        api.get("services") { request, _ in try await self.handle(request, path: "/services") { _ in await self.listServices() } }
        api.get("services/:uuid") { request, context in
            let uuid = context.parameters.get("uuid") ?? ""
            return try await self.handle(request, path: "/services/\(uuid)") { _ in await self.getService(uuid) }
        }
        api.delete("services/:uuid") { request, context in
            let uuid = context.parameters.get("uuid") ?? ""
            return try await self.handle(request, path: "/services/\(uuid)") { _ in
                guard await self.state.removeService(uuid) else { return Self.notFound("Service") }
                try await self.state.changed(uuid, .deleted)
                return Self.json(.ok, ["message": "Service deletion request queued."])
            }
        }
        for action in ["start", "stop"] {
            api.post("services/:uuid/\(action)") { request, context in
                let uuid = context.parameters.get("uuid") ?? ""
                let cleanup = request.uri.queryParameters.get("docker_cleanup").map { $0 != "false" && $0 != "0" } ?? true
                return try await self.handle(request, path: "/services/\(uuid)/\(action)") { _ in
                    guard let current = await self.state.services[uuid]?.status else { return Self.notFound("Service") }
                    // Coolify's ServicesController refuses a start or stop it considers done already.
                    if action == "start", current.contains("running") {
                        return Self.json(.badRequest, ["message": "Service is already running."])
                    }
                    if action == "stop", current.contains("stopped") || current.contains("exited") {
                        return Self.json(.badRequest, ["message": "Service is already stopped."])
                    }
                    if action == "stop", cleanup { await self.state.cleanedUp() }
                    // With the image removed (`pull_policy: never`), the queued start fails: the status stays `exited`.
                    if action == "start", await !self.state.imagePresent {
                        await self.state.setStatus(uuid, "exited")
                        return Self.json(.ok, ["message": "Service starting request queued."])
                    }
                    // StopService writes `exited` at once; a start shows only when the server check sees it.
                    if action == "start" { await self.state.started(uuid) } else { await self.state.setStatus(uuid, "exited") }
                    try await self.state.changed(uuid, action == "start" ? .started : .stopped)
                    return Self.json(.ok, ["message": "Service \(action == "start" ? "starting" : "stopping") request queued."])
                }
            }
        }
        api.post("deploy") { request, _ in
            try await self.handle(request, path: "/deploy") { _ in
                let answer = await self.deployments.deploy(request.uri.queryParameters.get("uuid"))
                return Self.raw(HTTPResponse.Status(code: answer.status), answer.body)
            }
        }
        api.get("deploy") { request, _ in
            try await self.handle(request, path: "/deploy") { _ in
                var response = Self.json(.methodNotAllowed, ["message": "This endpoint has changed to a POST request."])
                response.headers[.allow] = "POST"
                return response
            }
        }
        api.get("deployments/:uuid") { request, context in
            let uuid = context.parameters.get("uuid") ?? ""
            return try await self.handle(request, path: "/deployments/\(uuid)") { _ in
                let answer = await self.deployments.deployment(uuid)
                return Self.raw(HTTPResponse.Status(code: answer.status), answer.body)
            }
        }
        api.get("servers/:uuid") { request, context in
            let uuid = context.parameters.get("uuid") ?? ""
            return try await self.handle(request, path: "/servers/\(uuid)") { _ in
                guard await self.state.knowsServer(uuid) else { return Self.notFound("Server") }
                let reachable = await self.state.serverReachable
                return Self.json(.ok, [
                    "uuid": uuid, "name": "localhost", "ip": "host.docker.internal", "user": "root", "port": 22,
                    "settings": ["is_reachable": reachable, "is_usable": reachable],
                ] as [String: Any])
            }
        }
        api.get("projects") { request, _ in
            try await self.handle(request, path: "/projects") { _ in
                let projects = await self.state.projects.map { ["uuid": $0.key, "name": $0.value] }
                return Self.json(.ok, projects)
            }
        }
        api.post("projects") { request, _ in
            try await self.handle(request, path: "/projects") { body in
                guard let name = body?["name"] as? String, !name.isEmpty else {
                    return Self.validation(["name": ["The name field is required."]])
                }
                return Self.json(.created, ["uuid": await self.state.addProject(name: name)])
            }
        }
        return router
    }

    // MARK: Request handling

    /// Checks auth and Accept, records the call, applies any injected fault, then runs `body` on the JSON body.
    func handle(
        _ request: Request, path: String, _ body: @Sendable ([String: Any]?) async throws -> Response
    ) async throws -> Response {
        let raw = try await request.body.collect(upTo: 4 << 20)
        let text = raw.readableBytes > 0 ? String(buffer: raw) : nil
        let fault = await self.state.record(CoolifyStandInState.Call(method: request.method.rawValue, path: path, body: text))
        guard request.headers[.accept]?.contains("application/json") == true else {
            return Response(status: .notFound, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html>Not Found</html>")))
        }
        guard request.headers[.authorization] == "Bearer \(self.token)" else {
            return Self.json(.unauthorized, ["message": "Unauthenticated."])
        }
        if await self.state.tokenRevoked { return Self.json(.badRequest, ["message": "Invalid token."]) }
        switch fault {
        case .rateLimited(let seconds):
            var response = Self.json(.tooManyRequests, ["message": "Too Many Attempts."])
            response.headers[.retryAfter] = String(seconds)
            return response
        case .serverError:
            return Self.json(.internalServerError, ["message": "Server Error"])
        case .stall, nil:
            break
        }
        let object = text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let response = try await body(object)
        if case .stall(let duration) = fault { try await Task.sleep(for: duration) }
        return response
    }

    func createService(_ body: [String: Any]?) async throws -> Response {
        guard let body else { return Self.validation(["body": ["The body must be a JSON object."]]) }
        let unknown = Set(body.keys).subtracting(Self.createServiceFields).sorted()
        if !unknown.isEmpty {
            return Self.validation(Dictionary(uniqueKeysWithValues: unknown.map { ($0, ["This field is not allowed."]) }))
        }
        for field in ["server_uuid", "project_uuid", "environment_name"] where (body[field] as? String ?? "").isEmpty {
            return Self.validation([field: ["The \(field.replacingOccurrences(of: "_", with: " ")) field is required."]])
        }
        guard let encoded = body["docker_compose_raw"] as? String, let compose = Self.strictBase64(encoded) else {
            return Self.validation(["docker_compose_raw": ["The docker_compose_raw should be base64 encoded."]])
        }
        let server = body["server_uuid"] as? String ?? ""
        guard await self.state.knowsServer(server) else { return Self.notFound("Server") }
        let destinations = await self.state.destinations
        if let destination = body["destination_uuid"] as? String {
            guard destinations.contains(destination) else { return Self.notFound("Destination") }
        } else if destinations.count > 1 {
            return Self.json(.badRequest, ["message": "Server has multiple destinations and you do not set destination_uuid."])
        }
        let project = body["project_uuid"] as? String ?? ""
        guard await self.state.projects[project] != nil else { return Self.notFound("Project") }
        let uuid = CoolifyStandInState.newUUID()
        let deployed = body["instant_deploy"] as? Bool == true
        await self.state.addService(CoolifyStandInState.Service(
            uuid: uuid, name: body["name"] as? String ?? "service-\(uuid)", description: body["description"] as? String,
            projectUUID: project, status: deployed ? "starting:unknown" : "exited", compose: compose, serverUUID: server
        ))
        if deployed, await self.state.startLag > .zero {
            await self.state.setStatus(uuid, "exited")
            await self.state.started(uuid)
        }
        try await self.state.changed(uuid, .created(deployed: deployed))
        return Self.json(.created, ["uuid": uuid, "domains": [String]()])
    }

    func listServices() async -> Response {
        Self.json(.ok, await self.state.services.values.sorted { $0.uuid < $1.uuid }.map(Self.serviceJSON))
    }

    func getService(_ uuid: String) async -> Response {
        guard let service = await self.state.services[uuid] else { return Self.notFound("Service") }
        return Self.json(.ok, Self.serviceJSON(service))
    }

    // MARK: Answers

    static func serviceJSON(_ service: CoolifyStandInState.Service) -> [String: Any] {
        ["uuid": service.uuid, "name": service.name, "description": service.description ?? NSNull(), "status": service.status]
    }

    /// Strict padded base64 (a trailing newline tolerated, as Coolify does); nil when invalid.
    static func strictBase64(_ text: String) -> String? {
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        guard !trimmed.isEmpty, trimmed.count % 4 == 0, trimmed.allSatisfy(alphabet.contains),
              let data = Data(base64Encoded: trimmed), let decoded = String(data: data, encoding: .utf8)
        else { return nil }
        return decoded
    }

    static func validation(_ errors: [String: [String]]) -> Response {
        self.json(.unprocessableContent, ["message": "Validation failed.", "errors": errors])
    }

    static func notFound(_ what: String) -> Response {
        self.json(.notFound, ["message": "\(what) not found."])
    }

    static func raw(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(_ status: HTTPResponse.Status, _ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
