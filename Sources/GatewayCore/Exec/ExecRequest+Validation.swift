// MARK: - Validation

extension ExecRequest {
    /// The accepted range of ``timeout``, in milliseconds.
    public static let timeoutMillisecondsRange = 100...(30 * 60 * 1000)
    /// The accepted range of ``maxBytes`` (per stream) inside the gateway (file reads go up to the files limit).
    public static let maxBytesRange = 1...(16 << 20)
    /// The range of `maxBytes` a caller of `POST …/exec` may ask for: its reply holds at most this much of each stream.
    public static let replyMaxBytesRange = 1...(1 << 20)
    /// The longest command a caller may send, in UTF-8 bytes (`POST …/exec` and dev servers alike; the gateway's own
    /// scripts around a dev server's command are longer).
    public static let maxCommandBytes = 16 * 1024

    /// Checks every field that reaches the remote shell, so nothing in cwd, env or user can inject a command.
    /// - Throws: ``ValidationError`` naming the first bad field.
    public func validate() throws {
        guard !self.command.isEmpty else { throw ValidationError(field: "command", message: "must not be empty") }
        guard !self.command.utf8.contains(0) else {
            throw ValidationError(field: "command", message: "must not contain NUL bytes")
        }
        guard self.cwd.hasPrefix("/"), !self.cwd.utf8.contains(0), self.cwd.utf8.count <= 4096 else {
            throw ValidationError(field: "cwd", message: "must be an absolute path without NUL bytes, at most 4096 bytes")
        }
        for (key, value) in self.env {
            guard Self.isEnvironmentKey(key) else {
                throw ValidationError(field: "env", message: "key '\(key)' must match [A-Za-z_][A-Za-z0-9_]*")
            }
            guard !value.utf8.contains(0) else {
                throw ValidationError(field: "env", message: "the value of '\(key)' must not contain NUL bytes")
            }
        }
        guard Self.isUserName(self.user) else {
            throw ValidationError(field: "user", message: "must be a user name: [a-z_][a-z0-9_-]*, at most 32 characters")
        }
        _ = try Self.timeout(milliseconds: Int(clamping: self.timeout.milliseconds))
        guard Self.maxBytesRange.contains(self.maxBytes) else {
            throw ValidationError(field: "maxBytes", message: "must be between 1 and \(Self.maxBytesRange.upperBound)")
        }
    }

    /// `milliseconds` as a timeout.
    /// - Throws: ``ValidationError`` `timeoutMs` when it is outside ``timeoutMillisecondsRange``.
    public static func timeout(milliseconds: Int) throws -> Duration {
        guard Self.timeoutMillisecondsRange.contains(milliseconds) else {
            let limits = Self.timeoutMillisecondsRange
            throw ValidationError(field: "timeoutMs", message: "must be between \(limits.lowerBound) and \(limits.upperBound)")
        }
        return .milliseconds(milliseconds)
    }

    /// Whether `key` is a portable environment variable name, `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isEnvironmentKey(_ key: String) -> Bool {
        let underscore = UInt8(ascii: "_")
        guard let first = key.utf8.first, first == underscore || (ASCII.isAlnum(first) && !(0x30...0x39).contains(first)) else {
            return false
        }
        return key.utf8.allSatisfy { $0 == underscore || ASCII.isAlnum($0) }
    }

    /// Whether `name` is a conventional Unix user name, `[a-z_][a-z0-9_-]{0,31}`.
    public static func isUserName(_ name: String) -> Bool {
        let underscore = UInt8(ascii: "_")
        guard let first = name.utf8.first, name.utf8.count <= 32,
              first == underscore || (ASCII.isLowerAlnum(first) && !(0x30...0x39).contains(first))
        else { return false }
        return name.utf8.allSatisfy { $0 == underscore || $0 == UInt8(ascii: "-") || ASCII.isLowerAlnum($0) }
    }
}
