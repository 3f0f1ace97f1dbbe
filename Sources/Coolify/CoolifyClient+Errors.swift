import Foundation
import GatewayCore

extension CoolifyClient {
    // MARK: Error mapping

    /// The body Coolify sends with an error: `message`, and for 422 `errors` (field → messages, or a string).
    struct ErrorBody: Decodable {
        let message: String?
        let errors: Errors?

        /// Coolify's `errors`: usually `{"field": ["message", …]}`, sometimes a string or a flat object.
        struct Errors: Decodable {
            let lines: [String]

            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    self.lines = [text]
                } else if let list = try? decoder.singleValueContainer().decode([String].self) {
                    self.lines = list
                } else if let fields = try? decoder.singleValueContainer().decode([String: [String]].self) {
                    self.lines = fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: " "))" }
                } else if let fields = try? decoder.singleValueContainer().decode([String: String].self) {
                    self.lines = fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                } else {
                    self.lines = []
                }
            }
        }
    }

    /// Coolify's message from an error body (its validation errors appended), or a short excerpt of a non-JSON body.
    static func message(from body: Data, status: Int) -> String {
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body) {
            let parts = [decoded.message].compactMap { $0 } + (decoded.errors?.lines ?? [])
            if !parts.isEmpty { return parts.joined(separator: "; ") }
        }
        let excerpt = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return excerpt.isEmpty || excerpt.hasPrefix("<") ? "HTTP \(status)" : excerpt
    }

    /// Coolify's message for a token it does not accept (with status 400).
    static let invalidToken = "Invalid token."

    /// The failure of a non-2xx answer.
    static func failure(status: Int, body: Data, retryAfter header: String?) -> Failure {
        let message = Self.message(from: body, status: status)
        let retryAfter = header.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
        // Coolify answers a request with a revoked or unknown token 400 `Invalid token.`: the same failure as a 401.
        let status = status == 400 && message == Self.invalidToken ? 401 : status
        switch status {
        case 401, 403:
            return Failure(error: .coolifyUnauthorized(message), transient: false, retryAfter: nil, rateLimited: false)
        case 404:
            return Failure(error: .coolifyNotFound(message), transient: false, retryAfter: nil, rateLimited: false)
        case 409:
            return Failure(error: .coolifyConflict(message), transient: false, retryAfter: nil, rateLimited: false)
        case 429:
            let seconds = retryAfter.map { Int($0.components.seconds) }
            return Failure(error: .coolifyRateLimited(message, retryAfterSeconds: seconds), transient: false,
                           retryAfter: retryAfter, rateLimited: true)
        case 500...:
            return Failure(error: .coolifyFailed(status: status, message), transient: true, retryAfter: nil, rateLimited: false)
        default:
            return Failure(error: .coolifyInvalidRequest("HTTP \(status): \(message)"), transient: false, retryAfter: nil,
                           rateLimited: false)
        }
    }
}
