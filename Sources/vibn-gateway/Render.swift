import ArgumentParser
import GatewayCore
import Logging
import PreviewConfig
import Storage

/// `vibn-gateway render`: prints the documents the gateway generates.
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints a generated document: a project's compose file or the Traefik dynamic configuration.",
        subcommands: [RenderCompose.self, RenderTraefik.self]
    )
}

/// `vibn-gateway render compose`: the compose document of one project.
struct RenderCompose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Prints a project's compose document (a project with no row gets a fresh token that is not stored)."
    )

    @Option(help: "Workspace slug.") var workspace: String
    @Option(help: "Project id.") var project: String
    @Option(help: "Project slug.") var slug: String
    @OptionGroup var previewOptions: PreviewOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
        let workspace = try WorkspaceSlug(validating: self.workspace, field: "workspace")
        let project = try ProjectID(validating: self.project, field: "project")
        let slug = try ProjectSlug(validating: self.slug, field: "slug")
        let template = try self.previewOptions.composeTemplate()
        let logger = try self.logOptions.bootstrap(label: "vibn-gateway.render")
        let token = try await self.storeOptions.withStore(logger: logger) { store in
            try await store.migrate()
            let record = try await ProjectDirectory(store: store).container(workspace: workspace, project: project)
            guard record != nil else { return PreviewToken.random() }
            return try await store.ensurePreviewToken(project, candidate: .random()) ?? .random()
        }
        print(try template.renderCompose(ComposeInput(projectID: project, projectSlug: slug, previewToken: token)), terminator: "")
    }
}

/// `vibn-gateway render traefik`: the dynamic configuration for every live preview in the store.
struct RenderTraefik: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traefik",
        abstract: "Prints the Traefik dynamic configuration (YAML) for every live preview in the store."
    )

    @OptionGroup var previewOptions: PreviewOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var logOptions: LogOptions

    func run() async throws {
        let builder = try self.previewOptions.traefikBuilder()
        let logger = try self.logOptions.bootstrap(label: "vibn-gateway.render")
        let previews = try await self.storeOptions.withStore(logger: logger) { store in
            try await store.migrate()
            return try await store.livePreviews()
        }
        print(try builder.document(for: previews, as: .yaml), terminator: "")
    }
}
