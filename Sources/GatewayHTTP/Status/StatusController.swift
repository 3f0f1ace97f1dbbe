import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird

/// `GET /status`: the operator's page (HTML), behind HTTP Basic authentication whose password is the API token or
/// `VIBN_STATUS_PASSWORD` (any user name). With neither set the page is as open as `/v1` (loopback only).
struct StatusController<Context: RequestContext> {
    let store: any GatewayStore
    let history: ContainerHistory?
    let doctor: DoctorResults?
    let routing: PreviewRouting
    let clock: any WallClock
    /// The server list, shown with each server's containers.
    let servers: ServerFleet
    /// The passwords that open the page; empty: none needed.
    let passwords: [String]

    /// How long the page's reads may take together (each store call also has the store's own timeout).
    static var timeout: Duration { .seconds(15) }

    /// How far back the turns chart reaches.
    static var turnWindow: Duration { .seconds(3 * 3600) }

    func addRoutes(to router: Router<Context>) {
        router.get("status") { request, _ in try await self.page(request) }
        router.methodNotAllowed("status", allowed: [.get])
    }

    func page(_ request: Request) async throws -> Response {
        guard self.admits(request.headers[.authorization]) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: #"Basic realm="vibn-gateway status", charset="UTF-8""#, .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: .init(string: "Sign in with the API token or VIBN_STATUS_PASSWORD as the password.\n"))
            )
        }
        let report: StatusReport
        do {
            report = try await StatusReport.read(from: self.store, now: self.clock.now, turnWindow: Self.turnWindow, timeout: Self.timeout)
        } catch {
            throw (error as? GatewayError) ?? GatewayError.storeUnavailable("\(error)")
        }
        let page = StatusPage(
            report: report, history: await self.history?.recorded() ?? [],
            doctor: await self.doctor?.current(), turnWindow: Self.turnWindow, routing: self.routing,
            servers: self.servers.current
        )
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
                .referrerPolicy: "no-referrer", .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: .init(string: page.render()))
        )
    }

    /// Whether an `Authorization: Basic …` value carries one of the passwords (compared in constant time).
    func admits(_ authorization: String?) -> Bool {
        guard !self.passwords.isEmpty else { return true }
        guard let authorization, authorization.count > 6, authorization.prefix(6).lowercased() == "basic ",
              let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let credentials = String(data: decoded, encoding: .utf8), let colon = credentials.firstIndex(of: ":")
        else { return false }
        let password = String(credentials[credentials.index(after: colon)...])
        // Every password is compared, so the time does not tell which one matched.
        return self.passwords.reduce(false) { matched, candidate in ConstantTime.equal(password, candidate) || matched }
    }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
