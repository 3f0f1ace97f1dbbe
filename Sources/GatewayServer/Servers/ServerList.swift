import Coolify
import Foundation
import GatewayCore
import SSHExec
import Yams

/// One server of the gateway: where placement may put containers, where Coolify creates them, and the SSH host that
/// runs their commands.
public struct ServerDefinition: Sendable {
    public var slot: ServerSlot
    /// Coolify's server (and destination); nil without Coolify.
    public var coolify: CoolifyPlacement?
    /// Its SSH host; nil: exec, files, dev servers and autosave answer 503 for its containers.
    public var ssh: SSHConfiguration?

    public init(slot: ServerSlot, coolify: CoolifyPlacement?, ssh: SSHConfiguration?) {
        self.slot = slot
        self.coolify = coolify
        self.ssh = ssh
    }
}

/// The servers of `VIBN_SERVERS_FILE` (re-read on SIGHUP), or the single-server settings as a one-server list named
/// `default`.
public struct ServerList: Sendable {
    public var servers: [ServerDefinition]
    /// The file the list was read from; nil: the single-server settings.
    public var file: String?
    /// The SSH settings every listed host starts from (key, first-contact policy, timeouts, sessions).
    public var sshTemplate: SSHConfiguration

    /// Whether any server has an SSH host (else exec, files, dev servers and autosave answer 503).
    public var sshConfigured: Bool { self.servers.contains { $0.ssh != nil } }

    /// The single-server settings: `default`, without a capacity.
    public static func single(coolify: CoolifyConfiguration?, ssh: SSHConfiguration?, sshTemplate: SSHConfiguration) -> ServerList {
        let placement = coolify.map { CoolifyPlacement(serverUUID: $0.serverUUID, destinationUUID: $0.destinationUUID) }
        var slot = ServerSlot.single
        slot.coolifyServerUUID = placement?.serverUUID
        return ServerList(servers: [ServerDefinition(slot: slot, coolify: placement, ssh: ssh)], file: nil, sshTemplate: sshTemplate)
    }

    /// Reads and checks `file`.
    /// - Throws: ``ServerListError`` naming the file, the server and the field.
    public static func load(file: String, sshTemplate: SSHConfiguration) throws -> ServerList {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ServerListError(file: file, problem: "cannot be read: \(error.localizedDescription)")
        }
        return ServerList(servers: try Self.parse(text, file: file, sshTemplate: sshTemplate), file: file, sshTemplate: sshTemplate)
    }

    /// The list again from its file (the single-server settings stay as they are).
    public func reloaded() throws -> ServerList {
        guard let file = self.file else { return self }
        return try Self.load(file: file, sshTemplate: self.sshTemplate)
    }

    static func parse(_ text: String, file: String, sshTemplate: SSHConfiguration) throws -> [ServerDefinition] {
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw ServerListError(file: file, problem: "is not a server list (servers: [{name, coolifyServerUuid, ssh, capacity}]): \(Self.describe(error))")
        }
        guard !document.servers.isEmpty else { throw ServerListError(file: file, problem: "lists no server") }
        var seen = Set<String>()
        return try document.servers.enumerated().map { index, entry in
            let at = "servers[\(index)]" + (entry.name.map { " (\($0))" } ?? "")
            func fail(_ field: String, _ message: String) -> ServerListError {
                ServerListError(file: file, problem: "\(at).\(field) \(message)")
            }
            guard let raw = entry.name, let name = try? ServerName(validating: raw) else { throw fail("name", "must be \(ServerName.formatDescription)") }
            guard seen.insert(name.rawValue).inserted else { throw fail("name", "is listed twice") }
            guard let coolifyServer = entry.coolifyServerUuid, Self.isCoolifyUUID(coolifyServer) else {
                throw fail("coolifyServerUuid", "must be a Coolify uuid (a-z, 0-9, 1 to 64)")
            }
            if let destination = entry.destinationUuid, !Self.isCoolifyUUID(destination) {
                throw fail("destinationUuid", "must be a Coolify uuid or null")
            }
            guard (1...100_000).contains(entry.capacity) else { throw fail("capacity", "must be 1-100000 dev containers") }
            return ServerDefinition(
                slot: ServerSlot(name: name, capacity: entry.capacity, draining: entry.draining ?? false, coolifyServerUUID: coolifyServer),
                coolify: CoolifyPlacement(serverUUID: coolifyServer, destinationUUID: entry.destinationUuid),
                ssh: try entry.ssh.map { try Self.ssh($0, template: sshTemplate, fail: fail) }
            )
        }
    }

    private static func ssh(_ entry: Document.SSH, template: SSHConfiguration, fail: (String, String) -> ServerListError) throws -> SSHConfiguration {
        var ssh = template
        ssh.host = entry.host
        ssh.port = entry.port ?? SSHConfiguration.defaultPort
        ssh.user = entry.user ?? SSHConfiguration.defaultUser
        ssh.knownHosts = entry.knownHosts ?? ""
        if let key = entry.privateKeyB64 {
            guard let bytes = Data(base64Encoded: key, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                throw fail("ssh.privateKeyB64", "is not valid base64")
            }
            ssh.privateKey = Array(bytes)
        }
        do {
            try ssh.validate()
        } catch let error as ValidationError {
            let field = ["COOLIFY_SSH_HOST": "host", "COOLIFY_SSH_PORT": "port", "COOLIFY_SSH_USER": "user",
                         "COOLIFY_SSH_KNOWN_HOSTS": "knownHosts", "COOLIFY_SSH_PRIVATE_KEY_B64": "privateKeyB64 (or COOLIFY_SSH_PRIVATE_KEY_B64)"]
            throw fail("ssh.\(field[error.field] ?? error.field)", error.message)
        }
        return ssh
    }

    /// Where and why the file does not parse, never its text: Yams quotes the offending line, which may hold a key.
    static func describe(_ error: any Error) -> String {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
             YamlError.composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case YamlError.reader(let problem, let offset, _, _):
            return "\(problem) at byte \(offset.map(String.init) ?? "?")"
        case let DecodingError.keyNotFound(key, context):
            return "\(Self.path(context.codingPath + [key])) is missing"
        case let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context):
            return "\(Self.path(context.codingPath)) must be \(type == Int.self ? "a number" : type == Bool.self ? "true or false" : "text")"
        case let DecodingError.dataCorrupted(context):
            if let underlying = context.underlyingError { return Self.describe(underlying) }
            return context.codingPath.isEmpty ? "it cannot be read as YAML" : "\(Self.path(context.codingPath)) cannot be read"
        default:
            return "it cannot be read as YAML"
        }
    }

    /// `servers[0].ssh.host` for a coding path.
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    static func isCoolifyUUID(_ raw: String?) -> Bool {
        guard let raw, (1...64).contains(raw.utf8.count) else { return false }
        return raw.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// The file's shape.
    struct Document: Decodable {
        struct Server: Decodable {
            var name: String?
            var coolifyServerUuid: String?
            var destinationUuid: String?
            var ssh: SSH?
            var capacity: Int
            var draining: Bool?
        }

        struct SSH: Decodable {
            var host: String
            var port: Int?
            var user: String?
            var knownHosts: String?
            var privateKeyB64: String?
        }

        var servers: [Server]
    }
}

/// A server list that cannot be used, with where and why.
public struct ServerListError: Error, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "VIBN_SERVERS_FILE \(self.file) \(self.problem)" }
}
