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

    /// What identifies one version of the file: a write or an edit changes it.
    public struct Stamp: Equatable, Sendable {
        let inode: UInt64
        let size: Int64
        let modified: timespec

        public static func == (left: Stamp, right: Stamp) -> Bool {
            left.inode == right.inode && left.size == right.size
                && left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec
        }
    }

    /// The target's current stamp, or nil when it does not exist.
    public func stamp() -> Stamp? {
        var info = stat()
        guard stat(self.target.path, &info) == 0 else { return nil }
        return Stamp(inode: UInt64(info.st_ino), size: Int64(info.st_size), modified: info.st_mtim)
    }

    /// Replaces the file with `content`.
    public func write(_ content: [UInt8]) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: self.target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.createDirectory(at: self.stagingDirectory, withIntermediateDirectories: true)
        let staged = self.stagingDirectory.appendingPathComponent("\(self.target.lastPathComponent).\(UUID().uuidString)")
        do {
            try content.withUnsafeBytes { bytes in
                // Without a copy: at 10,000 projects × 10 slots the document is tens of megabytes.
                guard let base = bytes.baseAddress else { return try Data().write(to: staged) }
                try Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none).write(to: staged)
            }
            guard rename(staged.path, self.target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: self.target.path, "errno": errno])
            }
        } catch {
            try? manager.removeItem(at: staged)
            throw error
        }
    }
}
