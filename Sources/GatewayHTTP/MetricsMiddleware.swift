import HTTPTypes
import Hummingbird
import Prometheus

/// Counts every request and times it, by method and status, into the application's registry.
///
/// Requests carry project ids and the Coolify webhook secret in their paths, so the path is never a label.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry

    // MARK: Recording

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.record(method: request.method, status: response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            self.record(method: request.method, status: status, since: start)
            throw error
        }
    }

    private func record(method: HTTPRequest.Method, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let method = RequestMetrics.namedMethods.contains(method) ? method.rawValue : "other"
        let status = String(status.code)
        self.registry.makeCounter(descriptor: RequestMetrics.requestsTotal, labels: [("method", method), ("status", status)]).increment()
        self.registry.makeDurationHistogram(
            descriptor: RequestMetrics.requestDuration, labels: [("method", method)], buckets: RequestMetrics.buckets
        ).record(ContinuousClock.now - start)
    }
}

// MARK: - Metric families

/// The request metrics' names, buckets and method labels.
enum RequestMetrics {
    static var requestsTotal: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "vibn", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, by method and status."
        )
    }

    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "vibn", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from a request's head to its response's head, by method."
        )
    }

    /// Prometheus' default buckets, 5 ms to 10 s.
    static let buckets: [Duration] = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000].map { .milliseconds($0) }

    /// The methods labelled by name; any other method token is `other`, so clients cannot mint label values.
    static let namedMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]
}
