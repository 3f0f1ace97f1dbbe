import GatewayCore

// MARK: - Coolify errors

extension GatewayError {
    /// Coolify rejected the API token (401/403).
    static func coolifyUnauthorized(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyUnauthorized, message: "Coolify refused the API token: \(detail)",
                     hint: "Check COOLIFY_API_TOKEN and its abilities (read, write, deploy).")
    }

    /// Coolify has no such resource (404).
    static func coolifyNotFound(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyNotFound, message: "Coolify has no such resource: \(detail)")
    }

    /// Coolify reports a conflict (409), e.g. a domain already in use.
    static func coolifyConflict(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyConflict, message: "Coolify reports a conflict: \(detail)")
    }

    /// Coolify rejected the request as invalid (400/422), with its validation messages.
    static func coolifyInvalidRequest(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyInvalidRequest, message: "Coolify rejected the request: \(detail)",
                     hint: "Check COOLIFY_SERVER_UUID, COOLIFY_PROJECT_UUID and COOLIFY_ENVIRONMENT_NAME.")
    }

    /// Coolify is rate limiting the gateway (429).
    static func coolifyRateLimited(_ detail: String, retryAfterSeconds: Int?) -> GatewayError {
        GatewayError(.unavailable, code: .coolifyRateLimited, message: "Coolify is rate limiting the gateway: \(detail)",
                     hint: retryAfterSeconds.map { "Retry after \($0) s." } ?? "Retry later.")
    }

    /// Coolify failed (5xx).
    static func coolifyFailed(status: Int, _ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyUnavailable, message: "Coolify answered \(status): \(detail)")
    }

    /// Coolify did not answer in time.
    static func coolifyTimeout(_ detail: String) -> GatewayError {
        GatewayError(.timeout, code: .coolifyTimeout, message: "Coolify did not answer in time: \(detail)")
    }

    /// Coolify could not be reached (no connection: nothing was sent).
    static func coolifyUnreachable(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyUnreachable, message: "Coolify could not be reached: \(detail)",
                     hint: "Check COOLIFY_API_URL.")
    }

    /// The connection to Coolify broke before its answer arrived (the request may have been applied).
    static func coolifyConnectionLost(_ detail: String) -> GatewayError {
        GatewayError(.upstream, code: .coolifyConnectionLost, message: "The connection to Coolify broke: \(detail)")
    }
}

// MARK: - What a Coolify error proves

extension OrchestratorError {
    /// Codes of Coolify answers that prove the call changed nothing (a refusal, not a lost reply).
    static let refusalCodes: Set<GatewayError.Code> = [
        .coolifyUnauthorized, .coolifyNotFound, .coolifyConflict, .coolifyInvalidRequest, .coolifyRateLimited, .coolifyUnreachable,
    ]

    /// The orchestrator failure a ``CoolifyClient`` error amounts to: `coolify_not_found` is a missing service,
    /// the other refusals prove nothing was done, anything else (timeout, 5xx, lost connection) may have been applied.
    init(coolify error: GatewayError) {
        if error.code == .coolifyNotFound {
            self.init(.serviceMissing, error)
        } else {
            self.init(Self.refusalCodes.contains(error.code) ? .refused : .unknown, error)
        }
    }
}
