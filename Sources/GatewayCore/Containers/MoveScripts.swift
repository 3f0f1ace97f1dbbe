/// The two shell scripts of a move: one in the old container says where the workspace's git repository points and
/// pushes its commit to `vibn-autosave/head`; one in the new container restores the workspace from the autosave
/// branches. Every value in them is a quoted word.
struct MoveScripts {
    /// The branch of `origin` that receives the user's commit (beside ``AutosaveScript/branch``, the files).
    static let headBranch = "vibn-autosave/head"
    /// The prefix of each script's last stdout line.
    static let marker = "vibn-move:"

    /// What the old container's repository is: its `origin`, the checked-out branch and commit.
    struct Repository: Equatable {
        var origin: String
        /// The checked-out branch; nil: detached, or a name the restore will not pass on.
        var branch: String?
        /// The commit checked out; nil: nothing committed yet.
        var head: String?
    }

    let slug: ProjectSlug
    var directory: String { ExecRequest.defaultCwd + "/" + self.slug.rawValue }

    /// Reads the repository and pushes its commit to ``headBranch``; its last line is `vibn-move: HEAD BRANCH URL`
    /// (`-` for none), or `vibn-move: no-git`.
    var prepare: String {
        let q = ShellQuote.quote
        return """
            cd -- \(q(self.directory)) 2>/dev/null && [ -e .git ] || { echo \(q("\(Self.marker) no-git")); exit 0; }
            set -eu
            url=$(git remote get-url origin)
            branch=$(git symbolic-ref -q --short HEAD || echo -)
            head=$(git rev-parse -q --verify 'HEAD^{commit}' || echo -)
            if [ "$head" != - ]; then git push --force origin "$head:"\(q("refs/heads/\(Self.headBranch)")) 2>&1; fi
            printf '%s %s %s %s\\n' \(q(Self.marker)) "$head" "$branch" "$url"
            """
    }

    /// Restores the workspace in a fresh container: the repository at `repository.head` on its branch, and the
    /// working tree of the autosave `commit` (committed, changed, deleted and untracked files as they were).
    func restore(_ repository: Repository, commit: String) -> String {
        let q = ShellQuote.quote
        let checkout: String
        switch (repository.head, repository.branch) {
        case (let head?, let branch?): checkout = "git checkout -q -B \(q(branch)) \(q(head))"
        case (let head?, nil): checkout = "git checkout -q --detach \(q(head))"
        case (nil, let branch?): checkout = "git symbolic-ref HEAD \(q("refs/heads/\(branch)"))"
        case (nil, nil): checkout = ":"
        }
        return """
            set -eu
            mkdir -p -- \(q(self.directory))
            cd -- \(q(self.directory))
            if [ -e .git ]; then echo 'the new container already has a repository here' >&2; exit 1; fi
            git init -q
            git remote add origin \(q(repository.origin))
            git fetch -q origin 'refs/heads/vibn-autosave/*:refs/remotes/origin/vibn-autosave/*' 2>&1
            \(checkout)
            git restore --source=\(q(commit)) --worktree -- .
            echo \(q("\(Self.marker) restored"))
            """
    }

    /// The exec that runs `script`, as the container user, without prompts.
    static func request(_ script: String) -> ExecRequest {
        ExecRequest(command: script, env: ["GIT_TERMINAL_PROMPT": "0"], timeout: .seconds(120), maxBytes: 64 * 1024)
    }

    /// The repository the prepare script reported; nil for `no-git`.
    /// - Throws: When the script failed or its last line is not one it prints.
    static func repository(from result: ExecResult) throws -> Repository? {
        let last = result.lastStdoutLine
        guard result.exitCode == 0, last.hasPrefix(Self.marker + " ") else { throw Failure(result: result) }
        let words = last.dropFirst(Self.marker.count + 1).split(separator: " ", maxSplits: 2).map(String.init)
        if words == ["no-git"] { return nil }
        guard words.count == 3, !words[2].isEmpty else { throw Failure(result: result) }
        let head = words[0] == "-" ? nil : words[0]
        if let head, !([40, 64].contains(head.count) && head.allSatisfy(\.isHexDigit)) { throw Failure(result: result) }
        return Repository(origin: words[2], branch: GitBranchName.isValid(words[1]) ? words[1] : nil, head: head)
    }

    /// Whether the restore script said it restored.
    static func restored(_ result: ExecResult) throws {
        guard result.exitCode == 0, result.lastStdoutLine == "\(Self.marker) restored" else { throw Failure(result: result) }
    }

    /// A script that did not do its part, with git's last lines.
    struct Failure: Error, CustomStringConvertible {
        let result: ExecResult
        var description: String { "\(self.result.ending): \(self.result.errorLines)" }
    }
}
