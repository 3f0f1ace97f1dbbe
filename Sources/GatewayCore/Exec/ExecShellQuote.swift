import Foundation

/// Quoting for POSIX shells: every value that reaches a shell goes through here.
public enum ShellQuote {
    /// `value` as one single-quoted shell word: `it's` → `'it'\''s'`. Safe for any bytes but NUL.
    public static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Each of `words` quoted, joined by spaces: one shell command line whose words arrive unchanged.
    public static func join(_ words: [String]) -> String {
        words.map(Self.quote).joined(separator: " ")
    }
}
