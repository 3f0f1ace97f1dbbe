import Foundation
import GatewayCore
import Hummingbird

/// `POST /v1/sweeps/idle`: runs one idle sweep now and answers what it did (503 without Coolify).
struct IdleSweepController<Context: RequestContext> {
    /// The sweeper; nil when Coolify is not configured.
    let sweeper: IdleSweeper?

    static var path: RouterPath { "sweeps/idle" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(Self.path) { request, context in try await self.sweep(request: request, context: context) }
        group.methodNotAllowed(Self.path, allowed: [.post])
    }

    /// The body of `POST /v1/sweeps/idle`; an empty body means `{}`.
    struct Body: Decodable {
        let idleMinutes: Int?
    }

    func sweep(request: Request, context: Context) async throws -> IdleSweepResult {
        let body = try await request.decodeJSON(as: Body.self, context: context, ifEmpty: Body(idleMinutes: nil))
        guard let sweeper = self.sweeper else { throw GatewayError.coolifyNotConfigured }
        let minutes = body.idleMinutes ?? sweeper.idleMinutes
        guard IdleSweeper.idleMinutesRange.contains(minutes) else {
            throw ValidationError(field: "idleMinutes", message: "must be a whole number of minutes from 0 to 10080 (a week)")
        }
        return try await sweeper.sweep(idleMinutes: minutes)
    }
}

extension IdleSweepResult: ResponseEncodable {}
