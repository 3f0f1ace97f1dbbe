import Foundation
import GatewayCore

/// Converting stored container columns back into a validated ``ContainerRecord``.
///
/// A stored value that no longer passes validation (a row written by another program) is reported,
/// never silently passed on.
enum ContainerRow {
    /// The columns every container query selects, in this order.
    static let columns =
        "project_id, workspace, service_uuid, image, state, last_active_at, suspended_at, created_at, project_slug, preview_token, "
        // Rows written before migration 8 (or by the seed) have no state time: their creation stands in for it.
        + "COALESCE(state_changed_at, created_at) AS state_changed_at, server"

    /// The names of ``columns`` in a query over a subquery that selected them.
    static let selectedNames =
        "project_id, workspace, service_uuid, image, state, last_active_at, suspended_at, created_at, project_slug, preview_token, "
        + "state_changed_at, server"

    /// The first `limit` rows of each state, most recently active first (`$LIMIT` is the limit's placeholder).
    static func recentPerState(limit placeholder: String) -> String {
        """
        SELECT \(selectedNames) FROM (
          SELECT \(columns), row_number() OVER (PARTITION BY state ORDER BY last_active_at DESC, project_id) AS rank
          FROM fs_project_dev_containers
        ) ranked WHERE rank <= \(placeholder) ORDER BY state, last_active_at DESC, project_id
        """
    }

    struct CorruptRow: Error, CustomStringConvertible {
        let project: String
        let detail: String
        var description: String { "stored container row '\(self.project)' is invalid: \(self.detail)" }
    }

    static func record(
        projectID: String, workspace: String, serviceUUID: String, image: String, state: String,
        lastActiveAt: Date, suspendedAt: Date?, createdAt: Date, projectSlug: String?, previewToken: String?,
        stateChangedAt: Date, server: String
    ) throws -> ContainerRecord {
        do {
            guard let state = ContainerState(rawValue: state) else {
                throw CorruptRow(project: projectID, detail: "unknown state '\(state)'")
            }
            return ContainerRecord(
                projectID: try ProjectID(validating: projectID),
                workspace: try WorkspaceSlug(validating: workspace),
                projectSlug: try projectSlug.flatMap { $0.isEmpty ? nil : try ProjectSlug(validating: $0) },
                previewToken: try previewToken.flatMap { $0.isEmpty ? nil : try PreviewToken(validating: $0) },
                serviceUUID: serviceUUID.isEmpty ? nil : try ServiceUUID(validating: serviceUUID),
                image: image,
                state: state,
                lastActiveAt: lastActiveAt,
                suspendedAt: suspendedAt,
                createdAt: createdAt,
                stateChangedAt: stateChangedAt,
                server: try ServerName(validating: server)
            )
        } catch let error as ValidationError {
            throw CorruptRow(project: projectID, detail: error.description)
        }
    }
}
