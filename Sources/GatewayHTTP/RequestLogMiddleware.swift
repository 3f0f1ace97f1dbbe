import GatewayCore
import Hummingbird
import Logging

/// Logs one line per request, after its answer: method, the matched route's template, status and duration.
///
/// The raw path is never logged: it can carry the Coolify webhook secret (`/v1/webhooks/coolify/{secret}`), in
/// whatever shape the client sent it (`//v1/…`, percent-encoded). The template names the route without its values;
/// a request that matched no route is logged as `unmatched`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.log(request, context: context, status: response.status.code, since: start)
            return response
        } catch {
            self.log(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        context.logger.info("request", metadata: [
            "hb.request.method": "\(request.method)",
            "hb.request.route": "\(route)",
            "http.status": "\(status)",
            "http.duration_ms": "\((ContinuousClock.now - start).milliseconds)",
        ])
    }
}
