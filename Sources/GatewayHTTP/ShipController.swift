import GatewayCore
import Hummingbird

/// `…/projects/{project}/application`, `…/ship` and `…/ships/{id}`: a project's Coolify Application, and shipping
/// the container's work to it. Without Coolify every route answers 503 `coolify_not_configured`.
struct ShipController<Context: RequestContext> {
    let shipper: Shipper?

    static var project: RouterPath { "workspaces/:workspace/projects/:project" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.put("\(Self.project)/application") { request, context in
            let target = try ProjectPath(context: context)
            let body = try await request.decodeJSON(as: ApplicationBody.self, context: context)
            try await self.requireShipper().setApplication(body.uuid, workspace: target.workspace, project: target.project)
            return ApplicationBody(uuid: body.uuid)
        }
        group.post("\(Self.project)/ship") { request, context in
            let target = try ProjectPath(context: context)
            let body = try await request.decodeJSON(as: ShipBody.self, context: context)
            if let message = body.message, message.isEmpty || message.unicodeScalars.count > 2000 || message.unicodeScalars.contains("\0") {
                throw ValidationError(field: "message", message: "must be 1 to 2000 characters without NUL")
            }
            let ship = try await self.requireShipper().start(
                workspace: target.workspace, project: target.project, branch: body.branch, message: body.message
            )
            return EditedResponse(status: .accepted, response: ship)
        }
        group.get("\(Self.project)/ships/:id") { _, context in
            let target = try ProjectPath(context: context)
            let id = try ShipID(validating: context.parameters.get("id") ?? "", field: "id")
            return try await self.requireShipper().ship(id, workspace: target.workspace, project: target.project)
        }
        group.methodNotAllowed("\(Self.project)/application", allowed: [.put])
        group.methodNotAllowed("\(Self.project)/ship", allowed: [.post])
        group.methodNotAllowed("\(Self.project)/ships/:id", allowed: [.get])
    }

    func requireShipper() throws -> Shipper {
        guard let shipper = self.shipper else { throw GatewayError.coolifyNotConfigured }
        return shipper
    }

    /// `PUT …/application`'s body and answer.
    struct ApplicationBody: Codable, ResponseEncodable {
        let uuid: ApplicationUUID
    }

    /// `POST …/ship`'s body.
    struct ShipBody: Decodable {
        let branch: String?
        let message: String?
    }
}

extension ShipRecord: ResponseEncodable {}
