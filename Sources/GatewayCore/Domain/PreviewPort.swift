/// A dev-server port that can be published as a preview: 3000 to 3009, one slot each.
public struct PreviewPort: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The first preview port.
    public static let base = 3000
    /// How many preview slots a project has.
    public static let count = 10
    /// All valid ports.
    public static let range = base...(base + count - 1)

    /// The port number, within ``range``.
    public let number: Int

    /// Validates a port number.
    /// - Throws: ``ValidationError`` with code-friendly text when it is outside 3000–3009.
    public init(validating number: Int, field: String = "port") throws {
        guard Self.range.contains(number) else {
            throw ValidationError(
                field: field,
                message: "port \(number) is outside the preview range \(Self.range.lowerBound)-\(Self.range.upperBound); pick a port in that range so the preview URL is reachable"
            )
        }
        self.number = number
    }

    /// The slot index, 0 to 9, used in preview host names.
    public var slot: Int { self.number - Self.base }

    public var description: String { String(self.number) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }

    public init(from decoder: any Decoder) throws {
        let number = try decoder.singleValueContainer().decode(Int.self)
        try self.init(validating: number, field: decoder.codingPath.last?.stringValue ?? "port")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.number)
    }
}
