import Foundation
import Logging

/// A chat turn's id as the chat backend sends it: `[A-Za-z0-9_.:-]{1,128}`.
public struct TurnID: ValidatedIdentifier {
    public static let fieldName = "turnId"
    public static let formatDescription = "1 to 128 characters of A-Z, a-z, 0-9, '_', '.', ':' and '-'"
    public static func isValid(_ raw: String) -> Bool {
        let bytes = raw.utf8
        return (1...128).contains(bytes.count)
            && bytes.allSatisfy { ASCII.isAlnum($0) || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A || $0 == 0x2D }
    }
    public let rawValue: String
    public init(trusted rawValue: String) { self.rawValue = rawValue }
}

/// Whether a chat turn began or finished.
public enum ChatTurnPhase: String, Sendable, Codable, CaseIterable {
    case started
    case ended

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let phase = ChatTurnPhase(rawValue: raw) else {
            throw ValidationError(field: decoder.codingPath.last?.stringValue ?? "phase", message: "must be 'started' or 'ended'")
        }
        self = phase
    }
}

/// One chat-turn event (`POST /v1/events/chat-turn`), validated and stamped with when it arrived.
public struct ChatTurn: Sendable, Equatable {
    public var workspace: WorkspaceSlug
    public var project: ProjectID
    public var slug: ProjectSlug
    public var turn: TurnID
    public var phase: ChatTurnPhase
    public var receivedAt: Date

    public init(workspace: WorkspaceSlug, project: ProjectID, slug: ProjectSlug, turn: TurnID, phase: ChatTurnPhase, receivedAt: Date) {
        self.workspace = workspace
        self.project = project
        self.slug = slug
        self.turn = turn
        self.phase = phase
        self.receivedAt = receivedAt
    }
}

extension ChatTurn {
    /// The log metadata naming this turn.
    public var logMetadata: Logger.Metadata {
        ["project.id": "\(self.project)", "turn.id": "\(self.turn)", "turn.phase": "\(self.phase.rawValue)"]
    }
}

/// How the work of a chat turn ended.
public enum ChatTurnOutcome: Sendable, Equatable {
    /// The turn's work was done.
    case applied
    /// The work cannot be done (quota, Coolify refusing or unreachable, no SSH, …); the chat backend hears of it.
    case failed(code: GatewayError.Code, message: String)

    /// What the store keeps: `applied`, or the failure's code.
    public var stored: String {
        switch self {
        case .applied: "applied"
        case .failed(let code, _): code.rawValue
        }
    }
}
