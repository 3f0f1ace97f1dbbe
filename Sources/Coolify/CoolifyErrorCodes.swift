import GatewayCore

/// The codes of the Coolify client's errors.
extension GatewayError.Code {
    /// Coolify reports a conflict (409).
    public static let coolifyConflict = Self("coolify_conflict")
    /// The connection broke before Coolify's answer arrived.
    public static let coolifyConnectionLost = Self("coolify_connection_lost")
    /// Coolify rejected the request as invalid (400/422).
    public static let coolifyInvalidRequest = Self("coolify_invalid_request")
    /// Coolify has no such resource (404).
    public static let coolifyNotFound = Self("coolify_not_found")
    /// Coolify is rate limiting the gateway (429).
    public static let coolifyRateLimited = Self("coolify_rate_limited")
    /// Coolify did not answer in time.
    public static let coolifyTimeout = Self("coolify_timeout")
    /// Coolify refused the API token (401/403).
    public static let coolifyUnauthorized = Self("coolify_unauthorized")
    /// Coolify failed (5xx).
    public static let coolifyUnavailable = Self("coolify_unavailable")
    /// Coolify could not be reached: nothing was sent.
    public static let coolifyUnreachable = Self("coolify_unreachable")
}
