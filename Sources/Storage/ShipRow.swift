import Foundation
import GatewayCore

/// A stored ship that cannot be read back (a value no longer valid).
struct CorruptShipRow: Error, CustomStringConvertible {
    let id: String
    let detail: String
    var description: String { "stored ship '\(self.id)' is invalid: \(self.detail)" }
}

extension ShipRecord {
    /// The columns every ship query selects, in this order (`vibn_ships`).
    static let storedColumns = """
        id, project_id, workspace, state, branch, message, application_uuid, commit_sha, committed, deployment_uuid, \
        deployment_url, reason, created_at, updated_at
        """

    /// Validates stored column values.
    /// - Throws: ``CorruptShipRow`` naming the row and what is wrong with it.
    init(
        storedID id: String, projectID: String, workspace: String, state: String, branch: String?, message: String,
        applicationUUID: String, commit: String?, committed: Bool?, deploymentUUID: String?, deploymentURL: String?,
        reason: String?, createdAt: Date, updatedAt: Date
    ) throws {
        guard let state = ShipState(rawValue: state) else { throw CorruptShipRow(id: id, detail: "unknown state '\(state)'") }
        do {
            self.init(
                id: try ShipID(validating: id), projectID: try ProjectID(validating: projectID),
                workspace: try WorkspaceSlug(validating: workspace), state: state, branch: branch, message: message,
                applicationUUID: try ApplicationUUID(validating: applicationUUID), commit: commit, committed: committed,
                deploymentUUID: deploymentUUID, deploymentURL: deploymentURL, reason: reason, createdAt: createdAt, updatedAt: updatedAt
            )
        } catch let error as ValidationError {
            throw CorruptShipRow(id: id, detail: error.description)
        }
    }
}
