import ArgumentParser
import Foundation

/// Resolves an option: the flag when given, else its environment variable, else the default.
enum Setting {
    /// The raw environment (tests and the CLI read the same process environment).
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A string setting; an empty environment value counts as unset.
    static func string(_ flag: String?, env name: String) -> String? {
        if let flag { return flag }
        guard let value = self.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A string setting with a default.
    static func string(_ flag: String?, env name: String, default fallback: String) -> String {
        self.string(flag, env: name) ?? fallback
    }

    /// A number setting; an unparsable environment value is an error that names the variable.
    static func integer(_ flag: Int?, env name: String, default fallback: Int) throws -> Int {
        if let flag { return flag }
        guard let raw = self.string(nil, env: name) else { return fallback }
        guard let value = Int(raw) else { throw ValidationError("\(name)=\(raw) is not a whole number") }
        return value
    }
}
