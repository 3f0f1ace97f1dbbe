import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// Writes `content` to a new file at `path` with plain `write(2)` calls: without a copy, and at 10,000
    /// projects × 10 slots (37 MB) in about half the time `Data.write(to:)` took (72 ms against 130 ms, one run).
    static func write(_ content: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.posixError(path) }
        defer { close(descriptor) }
        try content.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.posixError(path)
                }
                offset += written
            }
        }
    }

    static func posixError(_ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": errno])
    }

    /// Replaces the file with `content`.
    public func write(_ content: [UInt8]) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: self.target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.createDirectory(at: self.stagingDirectory, withIntermediateDirectories: true)
        let staged = self.stagingDirectory.appendingPathComponent("\(self.target.lastPathComponent).\(UUID().uuidString)")
        do {
            try Self.write(content, to: staged.path)
            guard rename(staged.path, self.target.path) == 0 else { throw Self.posixError(self.target.path) }
        } catch {
            try? manager.removeItem(at: staged)
            throw error
        }
    }
}
