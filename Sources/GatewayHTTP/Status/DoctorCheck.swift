import Foundation

/// One line of `vibn-gateway doctor`: a check of one peer or setting, and how to fix it when it failed.
public struct DoctorCheck: Sendable, Encodable, Equatable {
    public enum Outcome: String, Sendable, Encodable {
        case passed, failed, skipped
    }

    /// What was checked, e.g. `store`, `coolify.server`, `ssh.image`.
    public var name: String
    public var outcome: Outcome
    /// What was found.
    public var detail: String
    /// What to do about a failure.
    public var fix: String?

    public static func passed(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .passed, detail: detail, fix: nil)
    }

    public static func failed(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .failed, detail: detail, fix: fix)
    }

    public static func skipped(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .skipped, detail: detail, fix: nil)
    }

    /// The same finding under another name.
    public func renamed(_ name: String) -> DoctorCheck {
        var renamed = self
        renamed.name = name
        return renamed
    }

    /// The check named for one server of a list: `ssh.image` of `host-a` is `ssh[host-a].image`; nil keeps the name.
    public func naming(server: String?) -> DoctorCheck {
        guard let server else { return self }
        var named = self
        let dot = self.name.firstIndex(of: ".") ?? self.name.endIndex
        named.name = "\(self.name[..<dot])[\(server)]\(self.name[dot...])"
        return named
    }
}
