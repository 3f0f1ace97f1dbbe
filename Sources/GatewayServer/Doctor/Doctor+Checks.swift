import Coolify
import Events
import Foundation
import GatewayCore
import GatewayHTTP
import Logging
import PreviewConfig
import SSHExec

extension Doctor {
    /// The store answers, and how many migrations are pending (serve applies them at start).
    static func store(_ store: any GatewayStore) async -> DoctorCheck {
        do {
            try await store.ping()
            let pending = try await store.pendingMigrations()
            return .passed("store", pending.isEmpty
                ? "reachable; the schema is current"
                : "reachable; \(pending.count) migration(s) pending (\(pending.map(String.init).joined(separator: ", "))): serve applies them at start, or run vibn-gateway migrate")
        } catch {
            return .failed("store", "\(error)", fix: Self.storeFix)
        }
    }

    /// Coolify's API answers with this token, knows the configured server and finds it reachable, and lists projects.
    static func coolify(_ configuration: ServerConfiguration, logger: Logger) async -> [DoctorCheck] {
        guard let coolify = configuration.coolify else {
            return [.skipped("coolify", "COOLIFY_API_URL is not set: containers cannot be created, started or stopped")]
        }
        let client = CoolifyClient(configuration: coolify, logger: logger)
        let list = configuration.servers
        let label = { (server: ServerDefinition) in list.file == nil ? nil : server.slot.name.rawValue }
        // The first server's read proves the API and the token (`coolify.api`); each other server's is its own check.
        let first = await Self.coolifyServer(client, uuid: coolify.serverUUID, apiURL: coolify.apiURL)
        guard let firstServer = first.server else { return [first.api] }
        var checks = [first.api, firstServer.naming(server: list.servers.first.flatMap(label))]
        for server in list.servers.dropFirst() {
            guard let uuid = server.coolify?.serverUUID else { continue }
            let read = await Self.coolifyServer(client, uuid: uuid, apiURL: coolify.apiURL)
            checks.append((read.server ?? read.api.renamed("coolify.server")).naming(server: label(server)))
        }
        do {
            let projects = try await client.projects()
            checks.append(.passed(
                "coolify.projects",
                "the token lists \(projects.count) project(s); creating, starting and stopping also need its write and deploy abilities, which only a real create proves"
            ))
        } catch {
            checks.append(.failed("coolify.projects", "\(error)", fix: "give the token the read ability"))
        }
        return checks
    }

    /// Coolify's API reads the server `uuid` with this token (`coolify.api`) and finds it reachable (`coolify.server`,
    /// nil when the read failed).
    private static func coolifyServer(_ client: CoolifyClient, uuid: String, apiURL: URL) async -> (api: DoctorCheck, server: DoctorCheck?) {
        let server: CoolifyServer
        do {
            server = try await client.server(uuid)
        } catch let error as GatewayError {
            let fix = switch error.code {
            case .coolifyUnauthorized, .coolifyInvalidRequest:
                "create an API token in Coolify (Keys & Tokens) with the read, write and deploy abilities and set COOLIFY_API_TOKEN"
            case .coolifyNotFound:
                "set COOLIFY_SERVER_UUID (or the server's coolifyServerUuid in VIBN_SERVERS_FILE) to the uuid of a server this token's team owns (Coolify: Servers)"
            default:
                "check COOLIFY_API_URL (e.g. https://coolify.example.com) and that the gateway reaches it"
            }
            return (.failed("coolify.api", "\(apiURL.absoluteString): \(error.message)", fix: fix), nil)
        } catch {
            return (.failed("coolify.api", "\(apiURL.absoluteString): \(error)", fix: "check COOLIFY_API_URL and that the gateway reaches it"), nil)
        }
        let name = "\(server.name ?? server.uuid) (\(server.ip ?? "no address"))"
        let api = DoctorCheck.passed("coolify.api", "\(apiURL.absoluteString) answers and the token reads server \(name)")
        guard server.settings?.is_reachable != false, server.settings?.is_usable != false else {
            return (api, .failed(
                "coolify.server", "Coolify reports server \(name) unreachable or unusable: it cannot start containers there",
                fix: "in Coolify, open the server and validate its connection (Coolify's SSH key, the Docker engine)"
            ))
        }
        return (api, .passed("coolify.server", "Coolify reports server \(name) reachable"))
    }

    /// Each server's SSH host answers with the configured key and known host key, runs docker, and holds the dev image
    /// with the label that keeps Coolify's cleanup from deleting it. With `VIBN_SERVERS_FILE` each check names its
    /// server (`ssh[host-a].image`).
    static func ssh(_ configuration: ServerConfiguration) async -> [DoctorCheck] {
        let list = configuration.servers
        guard list.sshConfigured else {
            return [.skipped("ssh", list.file == nil
                ? "COOLIFY_SSH_HOST is not set: exec, files, dev servers and autosave are off"
                : "no server of VIBN_SERVERS_FILE has an ssh section: exec, files, dev servers and autosave are off")]
        }
        var checks: [DoctorCheck] = []
        for server in list.servers {
            let label = list.file == nil ? nil : server.slot.name.rawValue
            guard let ssh = server.ssh else {
                checks.append(.skipped("ssh[\(server.slot.name)]", "no ssh section: exec and files answer 503 for its containers"))
                continue
            }
            checks += await Self.ssh(ssh, image: configuration.core.lifecycle.image).map { $0.naming(server: label) }
        }
        return checks
    }

    /// The checks of one SSH host.
    private static func ssh(_ ssh: SSHConfiguration, image: String) async -> [DoctorCheck] {
        let target = "\(ssh.user)@\(ssh.host):\(ssh.port)"
        let shell: SSHExec
        do {
            shell = try SSHExec(ssh)
        } catch {
            return [.failed("ssh", "\(error)", fix: "check COOLIFY_SSH_PRIVATE_KEY_B64 and COOLIFY_SSH_KNOWN_HOSTS")]
        }
        var checks = await Self.ssh(shell, target: target, image: image)
        if checks.first?.outcome == .passed {
            checks.append(await Self.sshSessions(shell, user: ssh.user, gatewaySessions: ssh.maxSessions))
        }
        await shell.close()
        return checks
    }

    private static func ssh(_ shell: SSHExec, target: String, image: String) async -> [DoctorCheck] {
        do {
            let docker = try await shell.hostCommand(["docker", "version", "--format", "{{.Server.Version}}"])
            guard docker.status == 0 else {
                return [.failed(
                    "ssh", "\(target) answers, but `docker version` fails: \(Self.lastLine(docker.stderr))",
                    fix: "let this user run docker on the host (root, or the docker group) and start the engine"
                )]
            }
            var checks: [DoctorCheck] = [.passed("ssh", "\(target) answers with a known host key; docker \(Self.lastLine(docker.stdout)) runs")]
            let labels = try await shell.hostCommand(["docker", "image", "inspect", "--format", "{{index .Config.Labels \"coolify.managed\"}}", image])
            if labels.status != 0 {
                checks.append(.failed(
                    "ssh.image", "the dev image \(image) is not on the host: every create fails (pull_policy: never)",
                    fix: "build it on the Coolify host: docker build --label coolify.managed=true -t \(image) ."
                ))
            } else if Self.lastLine(labels.stdout) == "true" {
                checks.append(.passed("ssh.image", "\(image) is on the host, labelled coolify.managed=true"))
            } else {
                checks.append(.failed(
                    "ssh.image", "\(image) is on the host without the label coolify.managed=true: Coolify's cleanup after a stop deletes it",
                    fix: "rebuild it with --label coolify.managed=true"
                ))
            }
            return checks
        } catch {
            return [.failed("ssh", "\(target): \(error)", fix: "check COOLIFY_SSH_HOST, COOLIFY_SSH_PORT, COOLIFY_SSH_USER, the key and COOLIFY_SSH_KNOWN_HOSTS (ssh-keyscan the host)")]
        }
    }

    /// sshd's `MaxSessions` (from `sshd -T`, which needs root) is at least the sessions the gateway opens at once on
    /// its one multiplexed connection; beyond it, commands fail with "open failed".
    static func sshSessions(_ shell: SSHExec, user: String, gatewaySessions: Int) async -> DoctorCheck {
        let read: (status: Int32?, stdout: String, stderr: String)
        do {
            read = try await shell.hostCommand(["sh", "-c", #"PATH="$PATH:/usr/sbin:/sbin" sshd -T"#])
        } catch {
            return .failed("ssh.sessions", "\(error)", fix: "check the SSH settings above")
        }
        let setting = read.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("maxsessions ") }
        guard read.status == 0, let sshd = setting.flatMap({ Int($0.dropFirst("maxsessions ".count)) }) else {
            return .skipped(
                "ssh.sessions",
                "cannot read sshd's settings as \(user) (`sshd -T`: \(Self.lastLine(read.stderr))); make sure MaxSessions in sshd_config is at least VIBN_SSH_MAX_SESSIONS (\(gatewaySessions))"
            )
        }
        guard gatewaySessions <= sshd else {
            return .failed(
                "ssh.sessions", "sshd allows \(sshd) sessions per connection but VIBN_SSH_MAX_SESSIONS is \(gatewaySessions): commands beyond \(sshd) at once fail",
                fix: "set VIBN_SSH_MAX_SESSIONS to at most \(sshd) (a little below leaves room), or raise MaxSessions in the host's sshd_config"
            )
        }
        return .passed("ssh.sessions", "sshd allows \(sshd) sessions per connection; the gateway opens at most \(gatewaySessions)")
    }

    /// The chat backend accepts a signed `gateway.ping` event.
    static func events(_ configuration: ServerConfiguration, store: any GatewayStore, logger: Logger) async -> DoctorCheck {
        guard let settings = configuration.outbox else {
            return .skipped("events", "GATEWAY_EVENTS_URL is not set: the chat backend hears nothing")
        }
        do {
            try await OutboxDeliverer(store: store, settings: settings, logger: logger).ping()
            return .passed("events", "\(settings.url.absoluteString) accepted a signed gateway.ping")
        } catch {
            return .failed(
                "events", "\(settings.url.absoluteString): \(error)",
                fix: "check GATEWAY_EVENTS_URL and that the receiver verifies Standard Webhooks signatures with GATEWAY_EVENTS_SECRET"
            )
        }
    }

    /// The longest preview host (slot 9, a slug cut to its longest) fits DNS: one label of at most 63 characters,
    /// at most 253 in all.
    static func previewHost(_ configuration: ServerConfiguration) -> DoctorCheck {
        let routing = configuration.core.previewRouting
        let slug = ProjectSlug(trusted: String(repeating: "a", count: 40))
        let host = routing.host(slug: slug, token: PreviewToken(trusted: String(repeating: "f", count: 32)), port: try! PreviewPort(validating: 3009))
        let label = host.prefix { $0 != "." }
        guard label.count <= 63, host.count <= 253 else {
            return .failed("preview.host", "\(host) does not fit DNS", fix: "use a shorter VIBN_PREVIEW_DOMAIN_BASE")
        }
        return .passed("preview.host", "hosts such as \(host) fit DNS (first label \(label.count) ≤ 63, host \(host.count) ≤ 253)")
    }

    static func lastLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    }
}
