import ArgumentParser
import Events
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayServer
import Logging

/// `vibn-gateway sweep`: one idle sweep now, as `POST /v1/sweeps/idle` runs it.
struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suspends the running containers idle for --idle-minutes now (as POST /v1/sweeps/idle) and prints what it did as JSON."
    )

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let logger = try self.options.logOptions.bootstrap(label: "vibn-gateway.sweep")
        let configuration = try self.options.configuration(logger: logger, serving: false)
        let result = try await GatewayServer.withGateway(configuration, logger: logger) { gateway in
            guard let sweeper = gateway.idleSweeper else { throw GatewayError.coolifyNotConfigured }
            return try await sweeper.sweep(idleMinutes: sweeper.idleMinutes)
        }
        try printJSON(result)
    }
}

/// `vibn-gateway doctor`: whether the gateway will work with these settings.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Checks every configured peer (store, Coolify, SSH and docker, Traefik's directory, the events receiver, the preview domain) with the settings serve would use; prints one line per check with the fix for each failure, and exits 1 if any failed."
    )

    @Flag(help: "Print the checks as JSON.")
    var json = false

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let logger = try self.options.logOptions.bootstrap(label: "vibn-gateway.doctor")
        let checks = await Doctor.run(try self.options.configuration(logger: logger, serving: false), logger: logger)
        if self.json {
            try printJSON(checks)
        } else {
            print(Doctor.text(checks))
        }
        if checks.contains(where: { $0.outcome == .failed }) { throw ExitCode(1) }
    }
}

/// `vibn-gateway status`: a project's container, as `GET …/container` answers it.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints a project's container status as JSON (as GET /v1/workspaces/{workspace}/projects/{project}/container)."
    )

    @Option(help: "The project's workspace slug.")
    var workspace: String

    @Option(help: "The project id.")
    var project: String

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let workspace = try WorkspaceSlug(validating: self.workspace, field: "workspace")
        let project = try ProjectID(validating: self.project, field: "project")
        let logger = try self.options.logOptions.bootstrap(label: "vibn-gateway.status")
        let configuration = try self.options.configuration(logger: logger, serving: false)
        let status = try await GatewayServer.withGateway(configuration, logger: logger) { gateway in
            try await gateway.containerStatus(workspace: workspace, project: project)
        }
        try printJSON(status)
    }
}

/// `vibn-gateway move`: a project's container to another server, as `POST …/container/move` does it.
struct Move: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Moves a project's container to another server of VIBN_SERVERS_FILE (as POST /v1/workspaces/{workspace}/projects/{project}/container/move): saves the workspace to the autosave branches, suspends it, creates the service on the target, restores the workspace there and switches the project to it, or leaves everything as it was. Prints the container status as JSON."
    )

    @Option(help: "The project's workspace slug.")
    var workspace: String

    @Option(help: "The project id.")
    var project: String

    @Option(help: "The server to move it to (a name in VIBN_SERVERS_FILE).")
    var server: String

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let workspace = try WorkspaceSlug(validating: self.workspace, field: "workspace")
        let project = try ProjectID(validating: self.project, field: "project")
        let server = try ServerName(validating: self.server, field: "server")
        let logger = try self.options.logOptions.bootstrap(label: "vibn-gateway.move")
        let configuration = try self.options.configuration(logger: logger, serving: false)
        let status = try await GatewayServer.withGateway(configuration, logger: logger) { gateway in
            guard let mover = gateway.mover else { throw GatewayError.coolifyNotConfigured }
            return try await mover.move(workspace: workspace, project: project, to: server)
        }
        try printJSON(status)
    }
}

/// `vibn-gateway events`: the outbound events' outbox.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Acts on the outbox of events for the chat backend.", subcommands: [Retry.self]
    )

    /// `vibn-gateway events retry`: puts given-up events back in the queue.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Puts outbound events the gateway gave up on (undelivered past the retry window) back in the queue, oldest first; a serving replica delivers them. Prints their ids as JSON."
        )

        @Option(help: "Only this event (its webhook-id); unset: every given-up event.")
        var id: String?

        @OptionGroup var options: GatewayOptions

        func validate() throws {
            if let id = self.id, !OutboundEvent.isID(id) {
                throw ValidationError("--id '\(id)' is not an event id: 'msg_' and 32 lower-case hex digits (the webhook-id header)")
            }
        }

        func run() async throws {
            let logger = try self.options.logOptions.bootstrap(label: "vibn-gateway.events")
            let configuration = try self.options.configuration(logger: logger, serving: false)
            let window = configuration.outbox?.retryWindow ?? OutboxSettings.defaultRetryWindow
            let requeued = try await GatewayServer.withGateway(configuration, logger: logger) { gateway in
                let now = Date()
                return try await gateway.ports.store.requeueGivenUpEvents(
                    id: self.id, createdBefore: now.addingTimeInterval(-window.timeInterval), at: now
                )
            }
            if let id = self.id, requeued.isEmpty {
                throw ValidationError("no given-up event has the id '\(id)' (it may be delivered, still being retried, or purged)")
            }
            try printJSON(["requeued": requeued])
        }
    }
}

/// Prints `value` as pretty JSON with sorted keys on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
