import Foundation
import GatewayCore

/// The JSON document of an outbound event: `{"type","timestamp","data"}`, timestamp RFC 3339 UTC, data camelCase.
struct EventEnvelope<Payload: Encodable>: Encodable {
    let type: String
    let timestamp: Date
    let data: Payload

    /// The document as UTF-8 text, keys sorted so equal events read alike.
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// The fields every event's `data` starts with: which project it is about.
struct ProjectFields: Encodable {
    let workspace: String
    let projectId: String
    let projectSlug: String?
    let serviceUuid: String?
}

/// `container.state_changed`: `from` is null when the row was just created.
struct ContainerStateData: Encodable {
    let project: ProjectFields
    let from: ContainerState?
    let state: ContainerState

    enum CodingKeys: String, CodingKey { case from, state }

    func encode(to encoder: any Encoder) throws {
        try self.project.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.from, forKey: .from)
        try container.encode(self.state, forKey: .state)
    }
}

/// `dev_server.ready` and `dev_server.failed`.
struct DevServerData: Encodable {
    let project: ProjectFields
    let devServer: DevServerFields

    enum CodingKeys: String, CodingKey { case devServer }

    func encode(to encoder: any Encoder) throws {
        try self.project.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.devServer, forKey: .devServer)
    }
}

/// The dev server an event is about.
struct DevServerFields: Encodable {
    let id: String
    let name: String
    let port: Int
    let previewUrl: String
    let state: DevServerState
    /// Why it failed (the tail of its log), on `dev_server.failed`.
    let failureReason: String?
}

/// `autosave.pushed` (with `commit`) and `autosave.failed` (with `output`, the tail of git's output, and `exitCode`,
/// null on timeout).
struct AutosaveData: Encodable {
    let project: ProjectFields
    let commit: String?
    let exitCode: Int32?
    let output: String?

    enum CodingKeys: String, CodingKey { case commit, exitCode, output }

    func encode(to encoder: any Encoder) throws {
        try self.project.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.commit, forKey: .commit)
        if let output = self.output {
            try container.encode(self.exitCode, forKey: .exitCode)
            try container.encode(output, forKey: .output)
        }
    }
}

/// `chat_turn.failed`: a claimed turn whose work could not be done, with the error's code and message.
struct ChatTurnFailureData: Encodable {
    let project: ProjectFields
    let turnId: String
    let phase: ChatTurnPhase
    let code: String
    let message: String

    enum CodingKeys: String, CodingKey { case turnId, phase, code, message }

    func encode(to encoder: any Encoder) throws {
        try self.project.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.turnId, forKey: .turnId)
        try container.encode(self.phase, forKey: .phase)
        try container.encode(self.code, forKey: .code)
        try container.encode(self.message, forKey: .message)
    }
}

/// `host.disk_high`: about a Coolify server, not a project; a field Coolify did not send is null.
struct HostDiskData: Encodable {
    let serverUuid: String?
    let serverName: String?
    let diskUsagePercent: Int?
    let thresholdPercent: Int?

    enum CodingKeys: String, CodingKey { case serverUuid, serverName, diskUsagePercent, thresholdPercent }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.serverUuid, forKey: .serverUuid)
        try container.encode(self.serverName, forKey: .serverName)
        try container.encode(self.diskUsagePercent, forKey: .diskUsagePercent)
        try container.encode(self.thresholdPercent, forKey: .thresholdPercent)
    }
}

/// `ship.succeeded` / `ship.failed`: the branch and commit pushed, Coolify's deployment, and why it failed.
struct ShipData: Encodable {
    let project: ProjectFields
    let shipId: String
    let branch: String?
    let commit: String?
    let committed: Bool?
    let applicationUuid: String
    let deploymentUuid: String?
    let deploymentUrl: String?
    let reason: String?

    enum CodingKeys: String, CodingKey { case shipId, branch, commit, committed, applicationUuid, deploymentUuid, deploymentUrl, reason }

    func encode(to encoder: any Encoder) throws {
        try self.project.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.shipId, forKey: .shipId)
        try container.encode(self.branch, forKey: .branch)
        try container.encode(self.commit, forKey: .commit)
        try container.encode(self.committed, forKey: .committed)
        try container.encode(self.applicationUuid, forKey: .applicationUuid)
        try container.encode(self.deploymentUuid, forKey: .deploymentUuid)
        try container.encode(self.deploymentUrl, forKey: .deploymentUrl)
        try container.encode(self.reason, forKey: .reason)
    }
}
