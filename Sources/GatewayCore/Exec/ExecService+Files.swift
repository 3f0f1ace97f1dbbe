import Foundation

/// File operations inside `/workspace`, built on exec: each runs one small script in the container that
/// resolves symlinks with `realpath` and refuses any real path outside `/workspace`.
extension ExecService {
    /// Reads a regular file.
    /// - Parameter limit: The largest file returned; larger ones are refused with 413 `file_too_large`.
    /// - Returns: The file's bytes.
    public func readFile(_ path: WorkspacePath, limit: Int, workspace: WorkspaceSlug, project: ProjectID) async throws -> [UInt8] {
        let script = """
            \(Self.resolveRoot)
            p=$(realpath -e -- "$1" 2>/dev/null) || exit \(FileScriptStatus.notFound)
            case $p in "$root"/*) ;; *) exit \(FileScriptStatus.outside) ;; esac
            [ -f "$p" ] || exit \(FileScriptStatus.notAFile)
            size=$(stat -c %s -- "$p") || exit 1
            [ "$size" -le "$2" ] || { printf '%s' "$size" >&2; exit \(FileScriptStatus.tooLarge); }
            exec cat -- "$p"
            """
        let result = try await self.runScript(script, arguments: [path.rawValue, String(limit)], stdin: nil, maxBytes: limit,
                                              path: path, workspace: workspace, project: project)
        guard !result.truncated else { throw FileScriptStatus.tooLarge(path, limit: limit) }
        return result.stdout
    }

    /// Writes `content` atomically: into a temporary file beside the target, then `mv` over it.
    /// Missing parent directories are created (409 `not_a_directory` when a parent is a file); an existing file keeps its mode.
    public func writeFile(_ path: WorkspacePath, content: [UInt8], workspace: WorkspaceSlug, project: ProjectID) async throws {
        let script = """
            \(Self.resolveRoot)
            dir=$(realpath -m -- "$(dirname -- "$1")") || exit 1
            case $dir in "$root"|"$root"/*) ;; *) exit \(FileScriptStatus.outside) ;; esac
            up=$dir
            while [ ! -e "$up" ] && [ ! -L "$up" ]; do up=$(dirname -- "$up"); done
            [ -d "$up" ] || exit \(FileScriptStatus.notADirectory)
            mkdir -p -- "$dir" || exit 1
            target=$(realpath -m -- "$dir/$(basename -- "$1")") || exit 1
            case $target in "$root"/*) ;; *) exit \(FileScriptStatus.outside) ;; esac
            [ ! -d "$target" ] || exit \(FileScriptStatus.notAFile)
            tmp=$(mktemp -- "$dir/.vibn-upload.XXXXXX") || exit 1
            trap 'rm -f -- "$tmp"' EXIT
            cat >"$tmp" || exit 1
            if [ -e "$target" ]; then chmod --reference="$target" -- "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" -- "$tmp"; fi
            mv -f -- "$tmp" "$target" || exit 1
            trap - EXIT
            """
        _ = try await self.runScript(script, arguments: [path.rawValue], stdin: content, maxBytes: 64 * 1024,
                                     path: path, workspace: workspace, project: project)
    }

    /// Deletes a file or a symlink (never what a symlink points to); directories are refused.
    public func deleteFile(_ path: WorkspacePath, workspace: WorkspaceSlug, project: ProjectID) async throws {
        let script = """
            \(Self.resolveRoot)
            dir=$(realpath -e -- "$(dirname -- "$1")" 2>/dev/null) || exit \(FileScriptStatus.notFound)
            case $dir in "$root"|"$root"/*) ;; *) exit \(FileScriptStatus.outside) ;; esac
            target=$dir/$(basename -- "$1")
            [ -e "$target" ] || [ -L "$target" ] || exit \(FileScriptStatus.notFound)
            [ -L "$target" ] || [ ! -d "$target" ] || exit \(FileScriptStatus.notAFile)
            exec rm -f -- "$target"
            """
        _ = try await self.runScript(script, arguments: [path.rawValue], stdin: nil, maxBytes: 64 * 1024,
                                     path: path, workspace: workspace, project: project)
    }

    // MARK: - Running the scripts

    /// The real path of `/workspace`, which every resolved path must stay under.
    private static let resolveRoot = "root=$(realpath -e \(WorkspacePath.root)) || exit 1"

    /// Runs `script` with `arguments` as `$1`, `$2`, … and maps its status to the file errors.
    private func runScript(
        _ script: String, arguments: [String], stdin: [UInt8]?, maxBytes: Int,
        path: WorkspacePath, workspace: WorkspaceSlug, project: ProjectID
    ) async throws -> ExecResult {
        let command = "set -- \(ShellQuote.join(arguments))\n\(script)"
        let request = ExecRequest(command: command, stdin: stdin, maxBytes: maxBytes)
        let result = try await self.exec(request, workspace: workspace, project: project)
        guard !result.timedOut else {
            throw GatewayError(.timeout, code: .filesTimeout, message: "The file operation on \(path) did not finish in time.")
        }
        switch result.exitCode {
        case 0: return result
        case FileScriptStatus.notFound:
            throw GatewayError(.notFound, code: .fileNotFound, message: "No file at \(path).")
        case FileScriptStatus.outside:
            throw GatewayError(.invalidInput, code: .pathOutsideWorkspace,
                               message: "\(path) resolves (through a symlink) to a place outside /workspace.")
        case FileScriptStatus.notAFile:
            // The request is well formed; what is at the path conflicts with it (as with not_a_directory).
            throw GatewayError(.conflict, code: .notAFile, message: "\(path) is a directory, not a file.")
        case FileScriptStatus.tooLarge:
            throw FileScriptStatus.tooLarge(path, limit: maxBytes)
        case FileScriptStatus.notADirectory:
            throw GatewayError(.conflict, code: .notADirectory, message: "A parent of \(path) is a file, not a directory.")
        default:
            let detail = String(decoding: result.stderr.suffix(300), as: UTF8.self)
            throw GatewayError(.upstream, code: .filesFailed,
                               message: "The file operation on \(path) failed (exit \(result.exitCode ?? -1)): \(detail)")
        }
    }
}

/// The exit statuses the file scripts use for their refusals (chosen clear of common tool statuses).
enum FileScriptStatus {
    static let notFound: Int32 = 71
    static let outside: Int32 = 72
    static let notAFile: Int32 = 73
    static let tooLarge: Int32 = 74
    static let notADirectory: Int32 = 75

    static func tooLarge(_ path: WorkspacePath, limit: Int) -> GatewayError {
        GatewayError(.tooLarge, code: .fileTooLarge, message: "\(path) is larger than the \(limit)-byte limit of this endpoint.",
                     hint: "Read it in parts with POST …/exec (e.g. head -c / tail -c).")
    }
}
