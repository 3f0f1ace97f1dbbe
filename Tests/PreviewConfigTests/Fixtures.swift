import Foundation
import GatewayCore
import Logging
import PreviewConfig
import Storage
import Testing

/// Fixed inputs and files shared by the PreviewConfig suites.
enum Fixtures {
    /// The project's own `templates/` folder (the template operators edit).
    static let templatesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("templates").path

    static let token = PreviewToken(trusted: "0123456789abcdef0123456789abcdef")
    static let input = ComposeInput(projectID: ProjectID(trusted: "proj_42"), projectSlug: ProjectSlug(trusted: "shop"), previewToken: token)

    /// A golden file's text from the test bundle.
    static func golden(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Two projects' live previews, three slots in all.
    static let previews: [LivePreview] = [
        LivePreview(
            devServerID: DevServerID(trusted: "ds_000000000001"), projectID: ProjectID(trusted: "proj_42"),
            projectSlug: ProjectSlug(trusted: "shop"), previewToken: token, serviceUUID: ServiceUUID(trusted: "abc123"),
            port: try! PreviewPort(validating: 3000), state: .running
        ),
        LivePreview(
            devServerID: DevServerID(trusted: "ds_000000000002"), projectID: ProjectID(trusted: "proj_42"),
            projectSlug: ProjectSlug(trusted: "shop"), previewToken: token, serviceUUID: ServiceUUID(trusted: "abc123"),
            port: try! PreviewPort(validating: 3005), state: .starting
        ),
        LivePreview(
            devServerID: DevServerID(trusted: "ds_000000000003"), projectID: ProjectID(trusted: "Other-1"),
            projectSlug: ProjectSlug(trusted: "blog"), previewToken: PreviewToken(trusted: "fedcba9876543210fedcba9876543210"),
            serviceUUID: ServiceUUID(trusted: "xyz789"), port: try! PreviewPort(validating: 3009), state: .running
        ),
    ]

    /// A migrated SQLite store in a temporary folder, both removed after `body`.
    static func withStore<T>(_ body: (URL, SQLiteStore) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await SQLiteStore.open(path: folder.appendingPathComponent("store.sqlite").path, logger: Logger(label: "preview-tests"))
        do {
            try await store.migrate()
            let result = try await body(folder, store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
