import Foundation

/// The one shell script an autosave runs in the container, and how its result is read.
///
/// It commits the working tree through a temporary index (`GIT_INDEX_FILE`, seeded from the user's index so
/// tracked files stay tracked), `write-tree` and `commit-tree`, so the user's branch, index and working tree are
/// never touched; then force-pushes the commit to `vibn-autosave/main`. Any failing step fails the script
/// (`set -e`) with git's own message; only the last stdout line (``marker``) says what happened.
struct AutosaveScript {
    /// The branch of `origin` that receives the autosaves.
    static let branch = "vibn-autosave/main"
    /// The prefix of the script's last stdout line.
    static let marker = "vibn-autosave:"
    /// Who autosave commits are by (the seed's identity).
    static let identity = (name: "Vibn Autosave", email: "vibn-bot@vibnai.com")

    let slug: ProjectSlug
    /// The commit message.
    let message: String

    /// The script: every value in it is a quoted word.
    var command: String {
        let q = ShellQuote.quote
        let directory = q(ExecRequest.defaultCwd + "/" + self.slug.rawValue)
        let previous = ["refs/remotes/origin/\(Self.branch)^{commit}", "refs/heads/\(Self.branch)^{commit}"]
            .map { "git rev-parse -q --verify \(q($0))" }.joined(separator: " || ")
        return """
            cd -- \(directory) 2>/dev/null && [ -e .git ] || { echo \(q("\(Self.marker) no-git")); exit 0; }
            set -eu
            index=$(git rev-parse --git-path index)
            tmp=$(mktemp -d)
            trap 'rm -rf "$tmp"' EXIT
            if [ -f "$index" ]; then cp "$index" "$tmp/index"; fi
            export GIT_INDEX_FILE="$tmp/index"
            git add -A
            tree=$(git write-tree)
            previous=$(\(previous) || true)
            if [ -n "$previous" ] && [ "$(git rev-parse "$previous^{tree}")" = "$tree" ]; then
              commit=$previous
            else
              parent=${previous:-$(git rev-parse -q --verify 'HEAD^{commit}' || true)}
              commit=$(git commit-tree "$tree" ${parent:+-p "$parent"} -m \(q(self.message)))
            fi
            git push --force origin "$commit:"\(q("refs/heads/\(Self.branch)")) 2>&1
            echo \(q("\(Self.marker) pushed")) "$commit"
            """
    }

    /// The exec that runs the script, as the container user, with git's identity and no prompts.
    func request(timeout: Duration) -> ExecRequest {
        ExecRequest(
            command: self.command,
            env: [
                "GIT_AUTHOR_NAME": Self.identity.name, "GIT_AUTHOR_EMAIL": Self.identity.email,
                "GIT_COMMITTER_NAME": Self.identity.name, "GIT_COMMITTER_EMAIL": Self.identity.email,
                "GIT_TERMINAL_PROMPT": "0",
            ],
            timeout: timeout,
            maxBytes: 64 * 1024
        )
    }

    // MARK: Outcome

    /// What the script did, read from its exit code and last stdout line.
    enum Outcome: Equatable {
        /// The commit (a full hex object id) is on the remote branch.
        case pushed(String)
        /// There is no `/workspace/{slug}/.git`: nothing to save.
        case noGit
        /// A step failed, or the script was cut short.
        case failed

        init(_ result: ExecResult) {
            let last = result.lastStdoutLine
            let words = last.split(separator: " ")
            guard result.exitCode == 0, words.first.map(String.init) == AutosaveScript.marker, words.count >= 2 else {
                self = .failed
                return
            }
            switch (words[1], words.dropFirst(2).first) {
            case ("no-git", nil):
                self = .noGit
            case ("pushed", let commit?) where [40, 64].contains(commit.count) && commit.allSatisfy(\.isHexDigit):
                self = .pushed(String(commit))
            default:
                self = .failed
            }
        }
    }
}
