import Foundation

/// One autosave that ran in a container: pushed, or failed with git's output (`fs_dev_autosaves`).
public struct AutosaveAttempt: Sendable, Equatable {
    public var projectID: ProjectID
    public var workspace: WorkspaceSlug
    /// The repository saved: the project slug, as in the seed.
    public var repo: String
    /// What the save printed (stdout then stderr), cut to ``AutosaveAttempt/maxOutput`` characters.
    public var output: String
    /// The script's exit code; nil when it timed out.
    public var code: Int32?
    /// The commit pushed to `vibn-autosave/main`; nil when the save failed.
    public var commit: String?
    /// Whether the commit reached the remote.
    public var ok: Bool
    /// When the attempt ran (`pushed_at`).
    public var at: Date

    /// The most output kept per attempt (the seed's 4000).
    public static let maxOutput = 4000

    public init(
        projectID: ProjectID, workspace: WorkspaceSlug, repo: String, output: String,
        code: Int32?, commit: String?, ok: Bool, at: Date
    ) {
        self.projectID = projectID
        self.workspace = workspace
        self.repo = repo
        self.output = String(output.suffix(Self.maxOutput))
        self.code = code
        self.commit = commit
        self.ok = ok
        self.at = at
    }
}

/// The autosave reads of the store (`fs_dev_autosaves`): what ran, and when the last push succeeded (attempts are
/// recorded through ``StateChanges``).
public protocol AutosaveStore: Sendable {
    /// The project's latest successful attempt (what throttling counts), if any.
    func lastPushedAutosave(project: ProjectID) async throws -> AutosaveAttempt?

    /// The project's latest `limit` attempts, newest first.
    func autosaves(project: ProjectID, limit: Int) async throws -> [AutosaveAttempt]
}

// MARK: - Stored rows

extension AutosaveAttempt {
    /// The columns every autosave query selects, in this order (`fs_dev_autosaves`).
    public static let storedColumns = "project_id, workspace, repo, output, code, commit_sha, ok, pushed_at"

    /// Validates stored column values.
    /// - Throws: ``ValidationError`` when the project id or workspace is not valid.
    public init(
        storedProjectID projectID: String, workspace: String, repo: String, output: String?,
        code: Int?, commit: String?, ok: Bool, at: Date
    ) throws {
        self.init(
            projectID: try ProjectID(validating: projectID), workspace: try WorkspaceSlug(validating: workspace), repo: repo,
            output: output ?? "", code: code.map { Int32(truncatingIfNeeded: $0) }, commit: commit, ok: ok, at: at
        )
    }
}
