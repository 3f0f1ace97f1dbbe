/// A file path inside a dev container's `/workspace`, normalised and confined lexically.
///
/// `..` segments, NUL bytes and paths outside `/workspace` never get past ``init(validating:)``;
/// symlinks are resolved inside the container, where the file operations check the real path again.
public struct WorkspacePath: Sendable, Hashable, CustomStringConvertible {
    /// The root every path stays under.
    public static let root = "/workspace"
    public static let fieldName = "path"

    /// The normalised absolute path, e.g. `/workspace/src/app.ts`.
    public let rawValue: String

    /// Normalises `raw`: a relative path is taken relative to `/workspace`; empty and `.` segments and repeated
    /// slashes are dropped.
    /// - Throws: ``ValidationError`` for `..`, NUL bytes, paths outside `/workspace`, or `/workspace` itself.
    public init(validating raw: String) throws {
        func reject(_ message: String) -> ValidationError { ValidationError(field: Self.fieldName, message: message) }
        guard !raw.isEmpty else { throw reject("is required, e.g. /workspace/src/index.ts") }
        guard !raw.utf8.contains(0) else { throw reject("must not contain NUL bytes") }
        guard raw.utf8.count <= 4096 else { throw reject("must be at most 4096 bytes") }
        let absolute = raw.hasPrefix("/") ? raw : Self.root + "/" + raw
        let segments = absolute.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !segments.contains("..") else { throw reject("must not contain '..' segments") }
        guard segments.first == "workspace" else { throw reject("must be inside /workspace") }
        guard segments.count > 1 else { throw reject("must name a file inside /workspace, not /workspace itself") }
        guard segments.allSatisfy({ $0.utf8.count <= 255 }) else { throw reject("has a name longer than 255 bytes") }
        self.rawValue = "/" + segments.joined(separator: "/")
    }

    public var description: String { self.rawValue }
}
