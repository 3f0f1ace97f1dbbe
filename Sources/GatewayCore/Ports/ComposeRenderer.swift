/// What a project's compose document is rendered from: only validated values.
public struct ComposeInput: Sendable, Equatable {
    public var projectID: ProjectID
    public var projectSlug: ProjectSlug
    public var previewToken: PreviewToken

    public init(projectID: ProjectID, projectSlug: ProjectSlug, previewToken: PreviewToken) {
        self.projectID = projectID
        self.projectSlug = projectSlug
        self.previewToken = previewToken
    }
}

/// The port that renders the compose document of a project's dev container (implemented by `PreviewConfig`).
public protocol ComposeRenderer: Sendable {
    /// The compose YAML for `input`, already parsed back and checked.
    func renderCompose(_ input: ComposeInput) throws -> String
}
