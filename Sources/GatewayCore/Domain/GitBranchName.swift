/// Branch names the gateway passes to git: plain ones that no git command can read as an option or a range.
public enum GitBranchName {
    /// A-Z, a-z, 0-9, '-', '_', '.', '/', 1 to 200 bytes, not starting with '-' or '.', without '..'.
    public static func isValid(_ name: String) -> Bool {
        guard !name.hasPrefix("-"), !name.hasPrefix("."), !name.contains(".."), (1...200).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { ASCII.isAlnum($0) || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/")].contains($0) }
    }

    public static let formatDescription = "a branch name: A-Z, a-z, 0-9, '-', '_', '.', '/', not starting with '-' or '.', no '..'"
}
