import GatewayCore

/// The codes of the HTTP layer's own errors.
extension GatewayError.Code {
    /// The request is malformed.
    public static let badRequest = Self("bad_request")
    /// The request body is over its limit.
    public static let bodyTooLarge = Self("body_too_large")
    /// An unexpected error (logged with the request id).
    public static let internalError = Self("internal_error")
    /// The body is not valid JSON or does not decode.
    public static let invalidJSON = Self("invalid_json")
    /// A chat turn's signature does not verify.
    public static let invalidSignature = Self("invalid_signature")
    /// The path does not accept the method.
    public static let methodNotAllowed = Self("method_not_allowed")
    /// No such route.
    public static let notFound = Self("not_found")
    /// `TRAEFIK_PROVIDER_TOKEN` is not set.
    public static let traefikProviderDisabled = Self("traefik_provider_disabled")
    /// The bearer token is missing or wrong.
    public static let unauthorized = Self("unauthorized")
}
