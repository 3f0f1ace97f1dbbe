/// A value from outside the gateway that failed validation.
///
/// Raised at the edge, before any work is done; the HTTP layer answers it with 400 naming `field`.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request field, path parameter or option that was rejected, e.g. `workspace`.
    public let field: String
    /// What is wrong and what a valid value looks like.
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(self.field): \(self.message)" }
}
