import Foundation

/// A ship's id: `shp_` followed by 16 lower-case hex digits (64 bits from the system CSPRNG).
public struct ShipID: ValidatedIdentifier {
    public static let fieldName = "id"
    public static let formatDescription = "'shp_' followed by 16 lower-case hex digits"
    public static func isValid(_ raw: String) -> Bool {
        let bytes = Array(raw.utf8)
        return bytes.count == 20 && raw.hasPrefix("shp_") && bytes.dropFirst(4).allSatisfy(ASCII.isHex)
    }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }

    /// A fresh id from the system's cryptographically secure generator.
    public static func random() -> ShipID {
        var generator = SystemRandomNumberGenerator()
        return ShipID(trusted: "shp_" + RandomHex.string(bytes: 8, using: &generator))
    }
}

/// A Coolify Application's uuid (what `PUT …/application` records and `POST /deploy` deploys).
public struct ApplicationUUID: ValidatedIdentifier {
    public static let fieldName = "uuid"
    public static let formatDescription = "a Coolify uuid: a-z, 0-9 and inner '-', 1 to 64 characters"
    public static func isValid(_ raw: String) -> Bool { ASCII.isDNSLabel(raw, maxLength: 64) }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }
}

/// Where a ship is: pushing the project's branch, deploying it in Coolify, or ended.
public enum ShipState: String, Sendable, Codable, CaseIterable {
    case pushing, deploying, succeeded, failed

    /// Whether it has not ended (a project has at most one such ship).
    public var isActive: Bool { self == .pushing || self == .deploying }
}

/// One ship of a project: its branch pushed to `origin`, then its Coolify Application deployed.
public struct ShipRecord: Sendable, Equatable {
    public var id: ShipID
    public var projectID: ProjectID
    public var workspace: WorkspaceSlug
    public var state: ShipState
    /// The branch pushed (nil until the push read it: the checked-out one when none was asked for).
    public var branch: String?
    public var message: String
    public var applicationUUID: ApplicationUUID
    /// The commit pushed (the new one, or the branch's head when there was nothing to commit).
    public var commit: String?
    /// Whether the push made a commit (false: nothing to commit, the deploy ran anyway).
    public var committed: Bool?
    public var deploymentUUID: String?
    public var deploymentURL: String?
    /// Why it failed: git's, Coolify's or the gateway's message.
    public var reason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ShipID, projectID: ProjectID, workspace: WorkspaceSlug, state: ShipState, branch: String?, message: String,
        applicationUUID: ApplicationUUID, commit: String? = nil, committed: Bool? = nil, deploymentUUID: String? = nil,
        deploymentURL: String? = nil, reason: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.projectID = projectID
        self.workspace = workspace
        self.state = state
        self.branch = branch
        self.message = message
        self.applicationUUID = applicationUUID
        self.commit = commit
        self.committed = committed
        self.deploymentUUID = deploymentUUID
        self.deploymentURL = deploymentURL
        self.reason = reason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension ShipRecord: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, project = "projectId", state, branch, message, applicationUuid, commit, committed, deploymentUuid, deploymentUrl,
             reason, createdAt, updatedAt
    }

    /// `GET …/ships/{id}`: every field, null when not known yet.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id.rawValue, forKey: .id)
        try container.encode(self.projectID.rawValue, forKey: .project)
        try container.encode(self.state, forKey: .state)
        try container.encode(self.branch, forKey: .branch)
        try container.encode(self.message, forKey: .message)
        try container.encode(self.applicationUUID.rawValue, forKey: .applicationUuid)
        try container.encode(self.commit, forKey: .commit)
        try container.encode(self.committed, forKey: .committed)
        try container.encode(self.deploymentUUID, forKey: .deploymentUuid)
        try container.encode(self.deploymentURL, forKey: .deploymentUrl)
        try container.encode(self.reason, forKey: .reason)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
    }
}

/// What a ship's state change records beside the state (nil keeps what is there).
public struct ShipProgress: Sendable, Equatable {
    public var branch: String?
    public var commit: String?
    public var committed: Bool?
    public var deploymentUUID: String?
    public var deploymentURL: String?
    public var reason: String?

    public init(branch: String? = nil, commit: String? = nil, committed: Bool? = nil, deploymentUUID: String? = nil,
                deploymentURL: String? = nil, reason: String? = nil) {
        self.branch = branch
        self.commit = commit
        self.committed = committed
        self.deploymentUUID = deploymentUUID
        self.deploymentURL = deploymentURL
        self.reason = reason
    }
}
