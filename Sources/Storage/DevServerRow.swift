import Foundation
import GatewayCore

/// A stored dev-server row that no longer passes validation (written by another program).
struct CorruptDevServerRow: Error, CustomStringConvertible {
    let id: String
    let detail: String
    var description: String { "stored dev server '\(self.id)' is invalid: \(self.detail)" }

    /// Builds a value from a stored row's state and columns, reporting any invalid value as a corrupt row.
    static func checking<T>(id: String, state raw: String, _ build: (DevServerState) throws -> T) throws -> T {
        guard let state = DevServerState(rawValue: raw) else {
            throw CorruptDevServerRow(id: id, detail: "unknown state '\(raw)'")
        }
        do {
            return try build(state)
        } catch let error as ValidationError {
            throw CorruptDevServerRow(id: id, detail: error.description)
        }
    }
}

extension DevServerRecord {
    /// The columns every dev-server query selects, in this order (`fs_dev_servers`).
    static let storedColumns = "id, project_id, workspace, name, command, port, pid, preview_url, state, started_at, stopped_at, failure_reason"

    /// Validates stored column values.
    /// - Throws: ``CorruptDevServerRow`` naming the row and what is wrong with it.
    init(
        storedID id: String, projectID: String, workspace: String, name: String, command: String, port: Int,
        pid: Int?, previewURL: String, state: String, startedAt: Date, stoppedAt: Date?, failureReason: String?
    ) throws {
        self = try CorruptDevServerRow.checking(id: id, state: state) { state in
            DevServerRecord(
                id: try DevServerID(validating: id), projectID: try ProjectID(validating: projectID),
                workspace: try WorkspaceSlug(validating: workspace), name: name, command: command,
                port: try PreviewPort(validating: port), pid: pid, previewURL: previewURL, state: state,
                startedAt: startedAt, stoppedAt: stoppedAt, failureReason: failureReason
            )
        }
    }
}

extension LivePreview {
    /// The columns the live-preview query selects, in this order (`d` is `fs_dev_servers`, `c` its container).
    static let storedColumns = "d.id, d.project_id, c.project_slug, c.preview_token, c.service_uuid, d.port, d.state"

    /// The conditions of a live preview: a live dev server on a running container that has a slug, token and service.
    static let storedConditions = """
        d.state = 'running' AND d.relaunch_pending = false AND c.state = 'running' AND c.project_slug IS NOT NULL \
        AND c.preview_token IS NOT NULL AND c.service_uuid <> ''
        """

    /// Validates stored column values.
    /// - Throws: ``CorruptDevServerRow`` naming the row and what is wrong with it.
    init(
        storedID id: String, projectID: String, projectSlug: String, previewToken: String, serviceUUID: String,
        port: Int, state: String
    ) throws {
        self = try CorruptDevServerRow.checking(id: id, state: state) { state in
            LivePreview(
                devServerID: try DevServerID(validating: id), projectID: try ProjectID(validating: projectID),
                projectSlug: try ProjectSlug(validating: projectSlug), previewToken: try PreviewToken(validating: previewToken),
                serviceUUID: try ServiceUUID(validating: serviceUUID), port: try PreviewPort(validating: port), state: state
            )
        }
    }
}
