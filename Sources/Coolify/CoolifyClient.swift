import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import Logging
import URLSessionSupport

/// Coolify's REST API (`{COOLIFY_API_URL}/api/v1`) over URLSession (libcurl on Linux).
///
/// Every request sends `Authorization: Bearer …` and `Accept: application/json` (without it Laravel answers
/// HTML). Failures become ``GatewayError``s that keep Coolify's message. Idempotent calls are retried with
/// capped, jittered backoff on 429 (honouring `Retry-After`), 5xx, timeouts and transport errors; a create is
/// retried only after a 429, which proves the request was refused before it did anything.
public struct CoolifyClient: Sendable {
    public let configuration: CoolifyConfiguration
    let session: URLSession
    let logger: Logger

    public init(configuration: CoolifyConfiguration, logger: Logger) {
        self.configuration = configuration
        // The deadline is enforced by `withDeadline` (libcurl's own timers fire early for sub-second values);
        // the session's timeouts are only a backstop should cancellation not reach libcurl.
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.requestTimeout.timeInterval + 5
        sessionConfiguration.timeoutIntervalForResource = configuration.requestTimeout.timeInterval + 5
        // URLSession's default of 6 connections per host would make the seventh project's create wait for one of
        // the first six (projects are worked on concurrently, up to VIBN_WORKER_CONCURRENCY).
        sessionConfiguration.httpMaximumConnectionsPerHost = Self.maximumConnections
        self.session = URLSession(configuration: sessionConfiguration)
        self.logger = logger
    }

    /// How many calls to Coolify may be in flight at once.
    static let maximumConnections = 64

    /// Whether a failed call may be sent again.
    enum Replay {
        /// Safe to repeat (GET, start, stop, delete): retried on any transient failure.
        case idempotent
        /// Not safe to repeat (create): retried only when Coolify refused it with 429.
        case onlyWhenRefused
    }

    /// One failed attempt, before it becomes a ``GatewayError``.
    struct Failure: Error {
        let error: GatewayError
        /// Whether a repeat may succeed (no connection, no answer, or a 5xx).
        let transient: Bool
        /// Coolify's `Retry-After`, when it sent one.
        let retryAfter: Duration?
        let rateLimited: Bool
    }

    // MARK: Requests

    /// Sends a request and returns the body of a 2xx answer.
    /// - Parameters:
    ///   - method: `GET`, `POST`, `DELETE`, …
    ///   - path: The path under `/api/v1`, e.g. `/services/abc`.
    ///   - query: Query items.
    ///   - body: A JSON body, encoded exactly (no fields added).
    ///   - replay: Whether the call may be repeated.
    ///   - done: A 400 message that means the call's goal holds already (answered as an empty success).
    func send(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: (any Encodable & Sendable)? = nil, replay: Replay,
        done: String? = nil
    ) async throws -> Data {
        let request = try self.request(method, path, query: query, body: body)
        var attempt = 1
        while true {
            do {
                return try await self.attempt(request, done: done)
            } catch let failure as Failure {
                let retryable = switch replay {
                case .idempotent: failure.transient || failure.rateLimited
                case .onlyWhenRefused: failure.rateLimited
                }
                guard retryable, attempt < self.configuration.retry.maxAttempts else { throw failure.error }
                let policy = self.configuration.retry
                let wait = failure.retryAfter ?? policy.backoff(afterAttempt: attempt)
                guard wait <= policy.maxRetryAfter else { throw failure.error }
                self.logger.debug("retrying a Coolify call", metadata: [
                    "coolify.path": "\(path)", "coolify.attempt": "\(attempt)", "error.code": "\(failure.error.code)",
                ])
                try await Task.sleep(for: wait)
                attempt += 1
            }
        }
    }

    func request(_ method: String, _ path: String, query: [URLQueryItem], body: (any Encodable & Sendable)?) throws -> URLRequest {
        var components = URLComponents(url: self.configuration.apiURL, resolvingAgainstBaseURL: false)
        let base = components?.path.hasSuffix("/") == true ? String(components!.path.dropLast()) : components?.path ?? ""
        components?.path = base + "/api/v1" + path
        components?.queryItems = query.isEmpty ? nil : query
        guard let url = components?.url else { throw GatewayError.coolifyUnreachable("COOLIFY_API_URL is not a valid URL") }
        var request = URLRequest(url: url, timeoutInterval: self.configuration.requestTimeout.timeInterval + 5)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("Bearer \(self.configuration.token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONEncoder().encode(body)
        }
        return request
    }

    func attempt(_ request: URLRequest, done: String?) async throws -> Data {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await withDeadline(self.configuration.requestTimeout) {
                try await self.session.response(to: request)
            }
        } catch is DeadlineExceeded {
            let detail = "\(request.httpMethod ?? "") \(request.url?.path ?? "") took over \(self.configuration.requestTimeout)"
            throw Failure(error: .coolifyTimeout(detail), transient: true, retryAfter: nil, rateLimited: false)
        } catch let error as URLError {
            let detail = "\(request.httpMethod ?? "") \(request.url?.path ?? ""): \(error.localizedDescription)"
            switch error.code {
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed:
                // Nothing was sent (so a create may be given up), but the next attempt may connect.
                throw Failure(error: .coolifyUnreachable(detail), transient: true, retryAfter: nil, rateLimited: false)
            case .timedOut:
                throw Failure(error: .coolifyTimeout(detail), transient: true, retryAfter: nil, rateLimited: false)
            default:
                throw Failure(error: .coolifyConnectionLost(detail), transient: true, retryAfter: nil, rateLimited: false)
            }
        }
        guard let http = response as? HTTPURLResponse else {
            throw Failure(error: .coolifyConnectionLost("no HTTP answer"), transient: true, retryAfter: nil, rateLimited: false)
        }
        if (200..<300).contains(http.statusCode) { return data }
        if http.statusCode == 400, let done, Self.message(from: data, status: 400) == done { return Data() }
        throw Self.failure(status: http.statusCode, body: data, retryAfter: http.value(forHTTPHeaderField: "Retry-After"))
    }
}
