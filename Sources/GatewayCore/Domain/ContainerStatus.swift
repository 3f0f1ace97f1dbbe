import Foundation

/// The status object of `GET …/container`: the seed's `getDevContainerStatus` answer plus previews.
public struct ContainerStatus: Sendable, Equatable, Codable {
    /// A published preview of a live dev server.
    public struct Preview: Sendable, Equatable, Codable {
        public var slot: Int
        public var port: Int
        public var url: String
        public var state: DevServerState

        public init(slot: Int, port: Int, url: String, state: DevServerState) {
            self.slot = slot
            self.port = port
            self.url = url
            self.state = state
        }
    }

    public var exists: Bool
    /// A ``ContainerState`` raw value, or `absent` when the project has no container.
    public var state: String
    public var serviceUuid: String?
    public var ageSeconds: Int?
    public var selfHealed: Bool?
    public var likelyFailed: Bool?
    public var blockedReason: String?
    public var blockedHint: String?
    public var coolifyStatus: String?
    /// The server its service runs on (absent when the project has no container).
    public var server: String?
    public var previews: [Preview]

    /// The status of a project with no container.
    public static let absent = ContainerStatus(exists: false, state: "absent", serviceUuid: nil, ageSeconds: nil, previews: [])

    public init(
        exists: Bool,
        state: String,
        serviceUuid: String?,
        ageSeconds: Int?,
        selfHealed: Bool? = nil,
        likelyFailed: Bool? = nil,
        blockedReason: String? = nil,
        blockedHint: String? = nil,
        coolifyStatus: String? = nil,
        previews: [Preview]
    ) {
        self.exists = exists
        self.state = state
        self.serviceUuid = serviceUuid
        self.ageSeconds = ageSeconds
        self.selfHealed = selfHealed
        self.likelyFailed = likelyFailed
        self.blockedReason = blockedReason
        self.blockedHint = blockedHint
        self.coolifyStatus = coolifyStatus
        self.previews = previews
    }

    private enum CodingKeys: String, CodingKey {
        case exists, state, serviceUuid, ageSeconds, selfHealed, likelyFailed, blockedReason, blockedHint, coolifyStatus, server, previews
    }

    /// Encodes `serviceUuid` always (null when there is none) and the optional diagnostics only when set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.exists, forKey: .exists)
        try container.encode(self.state, forKey: .state)
        try container.encode(self.serviceUuid, forKey: .serviceUuid)
        try container.encodeIfPresent(self.ageSeconds, forKey: .ageSeconds)
        try container.encodeIfPresent(self.selfHealed, forKey: .selfHealed)
        try container.encodeIfPresent(self.likelyFailed, forKey: .likelyFailed)
        try container.encodeIfPresent(self.blockedReason, forKey: .blockedReason)
        try container.encodeIfPresent(self.blockedHint, forKey: .blockedHint)
        try container.encodeIfPresent(self.coolifyStatus, forKey: .coolifyStatus)
        try container.encodeIfPresent(self.server, forKey: .server)
        try container.encode(self.previews, forKey: .previews)
    }

    /// The plain status of a recorded container, as seen at `now`.
    public init(record: ContainerRecord, now: Date, previews: [Preview] = []) {
        self.init(
            exists: true,
            state: record.state.rawValue,
            serviceUuid: record.serviceUUID?.rawValue,
            ageSeconds: max(0, Int(now.timeIntervalSince(record.createdAt))),
            previews: previews
        )
        self.server = record.server.rawValue
    }
}
