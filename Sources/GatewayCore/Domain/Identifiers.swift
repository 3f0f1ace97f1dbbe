/// A workspace slug: a lower-case DNS label of at most 40 characters.
public struct WorkspaceSlug: ValidatedIdentifier {
    public static let fieldName = "workspace"
    public static let formatDescription = "a lower-case DNS label: a-z, 0-9 and inner '-', 1 to 40 characters"
    public static func isValid(_ raw: String) -> Bool { ASCII.isDNSLabel(raw, maxLength: 40) }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }
}

/// A project slug: a lower-case DNS label of at most 40 characters; it appears in preview host names.
public struct ProjectSlug: ValidatedIdentifier {
    public static let fieldName = "slug"
    public static let formatDescription = WorkspaceSlug.formatDescription
    public static func isValid(_ raw: String) -> Bool { ASCII.isDNSLabel(raw, maxLength: 40) }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }
}

/// A project id as the chat backend knows it: `[A-Za-z0-9_-]{1,64}`.
public struct ProjectID: ValidatedIdentifier {
    public static let fieldName = "project"
    public static let formatDescription = "1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'"
    public static func isValid(_ raw: String) -> Bool {
        let bytes = raw.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { ASCII.isAlnum($0) || $0 == 0x5F || $0 == 0x2D }
    }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }
}

/// A Coolify resource uuid (Coolify issues lower-case alphanumerics; dashed UUIDs are accepted too).
///
/// It becomes part of container and host names, so it is held to a lower-case DNS label of at most 64 characters.
public struct ServiceUUID: ValidatedIdentifier {
    public static let fieldName = "serviceUuid"
    public static let formatDescription = "a Coolify uuid: a-z, 0-9 and inner '-', 1 to 64 characters"
    public static func isValid(_ raw: String) -> Bool { ASCII.isDNSLabel(raw, maxLength: 64) }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }
}

/// A dev-server id: `ds_` followed by 12 lower-case hex digits (48 bits from the system CSPRNG).
public struct DevServerID: ValidatedIdentifier {
    public static let fieldName = "id"
    public static let formatDescription = "'ds_' followed by 12 lower-case hex digits"
    public static func isValid(_ raw: String) -> Bool {
        let bytes = Array(raw.utf8)
        return bytes.count == 15 && raw.hasPrefix("ds_") && bytes.dropFirst(3).allSatisfy(ASCII.isHex)
    }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }

    /// A fresh id from the system's cryptographically secure generator.
    public static func random() -> DevServerID {
        var generator = SystemRandomNumberGenerator()
        return DevServerID(trusted: "ds_" + RandomHex.string(bytes: 6, using: &generator))
    }
}

/// A project's preview token: 128 bits from the system CSPRNG as 32 lower-case hex digits.
///
/// It makes preview host names unguessable; it is stored, and stable across restarts, suspends and resumes.
public struct PreviewToken: ValidatedIdentifier {
    public static let fieldName = "previewToken"
    public static let formatDescription = "32 lower-case hex digits"
    public static func isValid(_ raw: String) -> Bool {
        raw.utf8.count == 32 && raw.utf8.allSatisfy(ASCII.isHex)
    }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }

    /// A fresh token from the system's cryptographically secure generator.
    public static func random() -> PreviewToken {
        var generator = SystemRandomNumberGenerator()
        return PreviewToken(trusted: RandomHex.string(bytes: 16, using: &generator))
    }
}

/// Lower-case hex strings of random bytes.
public enum RandomHex {
    /// `bytes` random bytes as `2 * bytes` lower-case hex digits.
    public static func string(bytes: Int, using generator: inout some RandomNumberGenerator) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes * 2)
        for _ in 0..<bytes {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
