import Foundation

/// Replaces one file atomically: the new content is staged in a sibling directory on the same filesystem
/// (never inside the watched one, where Traefik would see the temporary file) and renamed over the target.
public struct AtomicFileWriter: Sendable {
    /// The file that is replaced.
    public let target: URL
    /// Where new content is staged: `.{directory name}.staging` next to the target's directory.
    public let stagingDirectory: URL

    /// - Parameters:
    ///   - directory: The directory the file lives in (created when missing).
    ///   - fileName: The file's name inside `directory`.
    public init(directory: URL, fileName: String) {
        self.target = directory.appendingPathComponent(fileName)
        let parent = directory.standardizedFileURL.deletingLastPathComponent()
        self.stagingDirectory = parent.appendingPathComponent(".\(directory.standardizedFileURL.lastPathComponent).staging")
    }

    /// Writes `content` unless the file already holds exactly it.
    /// - Returns: Whether the file was replaced.
    @discardableResult
    public func write(_ content: String) throws -> Bool {
        let data = Data(content.utf8)
        if let current = try? Data(contentsOf: self.target), current == data { return false }
        let manager = FileManager.default
        try manager.createDirectory(at: self.target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.createDirectory(at: self.stagingDirectory, withIntermediateDirectories: true)
        let staged = self.stagingDirectory.appendingPathComponent("\(self.target.lastPathComponent).\(UUID().uuidString)")
        do {
            try data.write(to: staged)
            guard rename(staged.path, self.target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: self.target.path, "errno": errno])
            }
        } catch {
            try? manager.removeItem(at: staged)
            throw error
        }
        return true
    }
}
