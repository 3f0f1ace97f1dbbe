import ArgumentParser

/// The `vibn-gateway` command: one AI dev container per project on a Coolify host.
@main
struct VibnGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vibn-gateway",
        abstract: "Runs one AI dev container per project on a Coolify host.",
        discussion: """
            Every option can also be set through the environment variable named in its help; \
            a flag wins over the environment, which wins over the default.
            """,
        subcommands: [Serve.self, Migrate.self, Render.self, DoctorCommand.self, Sweep.self, Status.self, Move.self, EventsCommand.self]
    )
}
