/// A string identifier that is checked once, when it is constructed, so no invalid value exists past the edge.
///
/// Conforming types say which characters they accept; construction through ``init(validating:field:)``
/// or `Decodable` is the only way in.
public protocol ValidatedIdentifier: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The name used in error messages when no field name is given.
    static var fieldName: String { get }
    /// A short description of the accepted format, for error messages.
    static var formatDescription: String { get }
    /// Whether `raw` is a valid value.
    static func isValid(_ raw: String) -> Bool
    /// The validated text.
    var rawValue: String { get }
    /// Wraps text that has already been validated. Use ``init(validating:field:)`` for outside input.
    init(trusted rawValue: String)
}

extension ValidatedIdentifier {
    /// Validates `raw` and wraps it.
    /// - Parameters:
    ///   - raw: The untrusted text.
    ///   - field: The field name reported when it is rejected; defaults to ``fieldName``.
    /// - Throws: ``ValidationError`` when `raw` is not in the accepted format.
    public init(validating raw: String, field: String? = nil) throws {
        guard Self.isValid(raw) else {
            throw ValidationError(field: field ?? Self.fieldName, message: "must be \(Self.formatDescription)")
        }
        self.init(trusted: raw)
    }

    public var description: String { self.rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        let field = decoder.codingPath.last?.stringValue
        try self.init(validating: raw, field: field)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

/// Character tests shared by the identifier formats (ASCII only: no Unicode look-alikes pass).
enum ASCII {
    static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
    static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 0x41 && c <= 0x5A) }
    static func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }
    /// The value of a lower-case hex digit (0 for anything else).
    static func hexValue(_ c: UInt8) -> UInt8 { c >= 0x61 ? c - 0x61 + 10 : c >= 0x30 && c <= 0x39 ? c - 0x30 : 0 }

    /// A DNS label in lower case: `[a-z0-9]([a-z0-9-]{0,maxLength-2}[a-z0-9])?`.
    static func isDNSLabel(_ raw: String, maxLength: Int) -> Bool {
        let bytes = Array(raw.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength,
              isLowerAlnum(bytes.first!), isLowerAlnum(bytes.last!)
        else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == 0x2D }
    }
}
