/// The shell script that commits a project's working tree on its branch and pushes it to `origin`, and how its result
/// is read. Every value in it is a quoted word; git's identity comes from the environment.
struct ShipScript {
    static let marker = "vibn-ship:"

    let slug: ProjectSlug
    /// The remote branch to push to; nil: the checked-out branch.
    let branch: String?
    let message: String

    var command: String {
        let q = ShellQuote.quote
        return """
            cd -- \(q(ExecRequest.defaultCwd + "/" + self.slug.rawValue)) 2>/dev/null && [ -e .git ] || { echo 'no git repository at /workspace/\(self.slug.rawValue)' >&2; exit 3; }
            set -eu
            branch=\(q(self.branch ?? ""))
            if [ -z "$branch" ]; then branch=$(git symbolic-ref -q --short HEAD) || { echo 'HEAD is detached: name a branch' >&2; exit 4; }; fi
            git add -A
            if git diff --cached --quiet; then committed=no; else git commit -q -m \(q(self.message)); committed=yes; fi
            commit=$(git rev-parse -q --verify 'HEAD^{commit}') || { echo 'nothing is committed yet' >&2; exit 5; }
            git push origin "HEAD:refs/heads/$branch" 2>&1
            printf '%s %s %s %s\\n' \(q(Self.marker)) "$committed" "$commit" "$branch"
            """
    }

    /// The exec that runs the script with `author` as git's identity, without prompts.
    func request(author: (name: String, email: String)) -> ExecRequest {
        ExecRequest(
            command: self.command,
            env: [
                "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email,
                "GIT_COMMITTER_NAME": author.name, "GIT_COMMITTER_EMAIL": author.email, "GIT_TERMINAL_PROMPT": "0",
            ],
            timeout: .seconds(120), maxBytes: 64 * 1024
        )
    }

    /// What was pushed.
    struct Pushed: Equatable {
        var committed: Bool
        var commit: String
        var branch: String
    }

    /// The push the script reports, or git's reason why there was none.
    static func outcome(_ result: ExecResult) -> Result<Pushed, StepFailure> {
        let words = result.lastStdoutLine.split(separator: " ").map(String.init)
        if result.exitCode == 0, words.count == 4, words[0] == Self.marker, ["yes", "no"].contains(words[1]),
           [40, 64].contains(words[2].count), words[2].allSatisfy(\.isHexDigit) {
            return .success(Pushed(committed: words[1] == "yes", commit: words[2], branch: words[3]))
        }
        let lines = result.errorLines
        return .failure(StepFailure("the push \(result.ending): \(lines.isEmpty ? "no output" : lines)"))
    }
}

