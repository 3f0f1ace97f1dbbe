import Foundation

/// One autosave that ran in a container: pushed, or failed with git's output.
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
    /// When the attempt ran.
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
