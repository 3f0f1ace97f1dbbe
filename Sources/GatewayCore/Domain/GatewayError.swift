/// An error the gateway reports to its callers, with a stable snake_case code.
///
/// Core code throws these; the HTTP layer maps ``Kind`` to a status and renders the uniform error body.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure, which decides the HTTP status.
    public enum Kind: Sendable, Equatable {
        case invalidInput, notFound, conflict, quotaExceeded, unavailable, upstream, timeout, tooLarge, unprocessable
    }

    /// A stable machine-readable code, compared as a value, never as free text (as postgres-nio's `PSQLError.Code`).
    /// Each module declares the codes it throws as static constants (`GatewayError+Codes.swift` for the core).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The snake_case text callers see, e.g. `no_container`.
        public let rawValue: String

        /// A code; constants are declared once (`static let`), and only codes built from data (`container_<state>`,
        /// `invalid_<field>`) are made where they are thrown.
        public init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { self.rawValue }
    }

    public let kind: Kind
    /// Stable machine-readable code, e.g. ``Code-swift.struct/noContainer``.
    public let code: Code
    /// What happened and what to do.
    public let message: String
    /// An optional next step for the caller.
    public let hint: String?
    /// Seconds after which the same call may succeed (answered as `Retry-After`); nil when retrying will not help.
    public let retryAfterSeconds: Int?

    public init(_ kind: Kind, code: Code, message: String, hint: String? = nil, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.hint = hint
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(self.code): \(self.message)" }

    /// The project is unknown in this workspace (also when it belongs to another one: that is never revealed).
    public static func projectNotFound(_ project: ProjectID) -> GatewayError {
        GatewayError(.notFound, code: .projectNotFound, message: "No project '\(project)' in this workspace.")
    }

    /// The state machine does not allow this move.
    public static func invalidTransition(from: String, to: String) -> GatewayError {
        GatewayError(.conflict, code: .invalidTransition, message: "A container cannot move from '\(from)' to '\(to)'.")
    }

    /// The state store (SQLite or PostgreSQL) did not answer in time or lost its connection.
    public static func storeUnavailable(_ detail: String) -> GatewayError {
        GatewayError(
            .unavailable, code: .storeUnavailable, message: "The state store does not answer: \(detail).",
            hint: "Retry shortly; if it persists, check DATABASE_URL and that the database is up.", retryAfterSeconds: 5
        )
    }
}
