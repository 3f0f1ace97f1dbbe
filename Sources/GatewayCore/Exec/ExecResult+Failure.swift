extension ExecResult {
    /// The last line of standard output: where the gateway's scripts say what they did.
    var lastStdoutLine: String {
        String(decoding: self.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    }

    /// How the command ended, for a message: `timed out` or `exited with N`.
    var ending: String {
        self.timedOut ? "timed out" : "exited with \(self.exitCode.map(String.init) ?? "?")"
    }

    /// Its error lines for a message (git's `fatal:`, `error:` and ` ! ` lines, else the output's last lines), the
    /// last three joined with ` | `; empty without output.
    var errorLines: String {
        let output = String(decoding: self.stdout, as: UTF8.self) + "\n" + String(decoding: self.stderr, as: UTF8.self)
        let lines = output.split(whereSeparator: \.isNewline)
        let errors = lines.filter { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") || $0.hasPrefix(" ! ") }
        return (errors.isEmpty ? lines : errors).suffix(3).joined(separator: " | ")
    }
}

/// A step that failed for a reason that is already a sentence (git's lines, Coolify's message, the gateway's words).
struct StepFailure: Error, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { self.reason }
}
