import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Answers every request whose `Host` is under the preview domain (Traefik's catch-all wake router sends the visits
/// of preview hosts without a live route here): it wakes the project and shows a small page that refreshes itself,
/// until Traefik's own router for the host takes over. Unknown or malformed hosts get a plain 404 page that reveals
/// nothing. Any other host goes on to the API.
struct PreviewWakeMiddleware<Context: RequestContext>: RouterMiddleware {
    let wake: PreviewWake
    /// `.` followed by the preview domain base.
    let domainSuffix: String

    init(wake: PreviewWake, domainBase: String) {
        self.wake = wake
        self.domainSuffix = "." + domainBase
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let host = request.head.authority, Self.hostName(host).hasSuffix(self.domainSuffix) else {
            return try await next(request, context)
        }
        let outcome = try await self.wake.visit(host: host)
        return PreviewWakePage(outcome).response()
    }

    /// The host without a port, in lower case.
    static func hostName(_ authority: String) -> String {
        let lowered = authority.lowercased()
        guard let colon = lowered.lastIndex(of: ":"), lowered[lowered.index(after: colon)...].allSatisfy(\.isNumber) else { return lowered }
        return String(lowered[..<colon])
    }
}

/// The page a preview visitor sees while the project wakes: plain HTML, no script, refreshing itself when there is
/// something to wait for.
struct PreviewWakePage {
    let status: HTTPResponse.Status
    let title: String
    let message: String
    /// Seconds until the page reloads itself (and `Retry-After`); nil: no reload.
    let refreshSeconds: Int?

    init(_ outcome: PreviewWake.Outcome) {
        switch outcome {
        case .unknown:
            (self.status, self.title, self.message, self.refreshSeconds) = (.notFound, "Not found", "There is nothing here.", nil)
        case .starting:
            (self.status, self.title, self.message, self.refreshSeconds) = (
                .serviceUnavailable, "Starting your preview…", "The project is waking up. This page reloads by itself.", 5
            )
        case .cannotStart(let reason):
            (self.status, self.title, self.message, self.refreshSeconds) = (
                .serviceUnavailable, "This preview cannot start right now", reason + " This page tries again in a minute.", 60
            )
        case .failed:
            (self.status, self.title, self.message, self.refreshSeconds) = (
                .serviceUnavailable, "This preview failed to start",
                "Its dev server stopped with an error. Ask the agent to look at it; this page checks again every 30 seconds.", 30
            )
        case .noDevServer:
            (self.status, self.title, self.message, self.refreshSeconds) = (
                .notFound, "No dev server", "Nothing is serving this preview. Start a dev server on its port first.", nil
            )
        }
    }

    func response() -> Response {
        let refresh = self.refreshSeconds.map { #"<meta http-equiv="refresh" content="\#($0)">"# } ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\(refresh)
            <title>\(self.title)</title>
            <style>body{font-family:system-ui,sans-serif;margin:20vh auto;max-width:32rem;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
            </head><body><h1>\(self.title)</h1><p>\(Self.escaped(self.message))</p></body></html>

            """
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        if let seconds = self.refreshSeconds { headers[.retryAfter] = String(seconds) }
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `text` with HTML's special characters escaped.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
