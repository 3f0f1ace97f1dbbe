import Foundation
import GatewayCore
import SystemPackage

/// The private 0700 directory holding the key (0600), the known hosts and the control socket.
///
/// Created once per ``SSHExec``; ``remove()`` deletes it with the key.
struct SSHPrivateDirectory: Sendable {
    let path: String

    var keyPath: String { self.path + "/id" }
    var knownHostsPath: String { self.path + "/known_hosts" }
    /// The multiplexed master's socket (kept short: a Unix socket path has at most 107 bytes).
    var controlPath: String { self.path + "/cm" }

    /// Creates a fresh directory under `parent` and writes the key and known hosts into it.
    /// - Throws: ``GatewayError`` `ssh_setup_failed` when the directory or files cannot be written.
    static func create(in parent: String, configuration: SSHConfiguration) throws -> SSHPrivateDirectory {
        var template = Array((parent + "/vibn-ssh-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { throw Self.failure("cannot create a private directory under \(parent)") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard chmod(path, 0o700) == 0 else { throw Self.failure("cannot make \(path) private") }
        let directory = SSHPrivateDirectory(path: path)
        var key = configuration.privateKey
        if key.last != UInt8(ascii: "\n") { key.append(UInt8(ascii: "\n")) }
        try Self.createFile(key, to: directory.keyPath)
        try Self.createFile(Array(configuration.knownHosts.utf8) + [UInt8(ascii: "\n")], to: directory.knownHostsPath)
        if configuration.firstContact == .acceptNew, let learned = configuration.learnedHostsFile {
            try Self.prepareLearnedHosts(learned)
        }
        return directory
    }

    /// Makes sure the file of learned host keys exists (0600, in a folder created 0700 if missing); keeps its lines.
    private static func prepareLearnedHosts(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Self.failure("cannot create \(folder) for learned host keys")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("cannot open \(path) for learned host keys") }
        close(fd)
    }

    /// Deletes the directory, the key in it and the socket.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    // MARK: - Files

    /// A descriptor open for reading on a new, already unlinked file of this directory that holds `bytes`.
    /// - Throws: ``GatewayError`` `ssh_setup_failed` when the file cannot be written.
    func readableFile(holding bytes: [UInt8]) throws -> FileDescriptor {
        let path = self.path + "/stdin-" + UUID().uuidString
        try Self.createFile(bytes, to: path)
        defer { unlink(path) }
        return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
    }

    /// Writes `bytes` to a new file created with mode 0600.
    private static func createFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("cannot create \(path)") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw Self.failure("cannot write \(path)") }
    }

    private static func failure(_ detail: String) -> GatewayError {
        GatewayError(.unavailable, code: .sshSetupFailed, message: "SSH setup failed: \(detail).",
                     hint: "Check that the temporary directory is writable.")
    }
}
