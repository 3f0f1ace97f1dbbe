import Foundation
import GatewayCore

extension AutosaveAttempt {
    /// The columns every autosave query selects, in this order (`fs_dev_autosaves`).
    static let storedColumns = "project_id, workspace, repo, output, code, commit_sha, ok, pushed_at"

    /// Validates stored column values.
    /// - Throws: ``ValidationError`` when the project id or workspace is not valid.
    init(
        storedProjectID projectID: String, workspace: String, repo: String, output: String?,
        code: Int?, commit: String?, ok: Bool, at: Date
    ) throws {
        self.init(
            projectID: try ProjectID(validating: projectID), workspace: try WorkspaceSlug(validating: workspace), repo: repo,
            output: output ?? "", code: code.map { Int32(truncatingIfNeeded: $0) }, commit: commit, ok: ok, at: at
        )
    }
}
