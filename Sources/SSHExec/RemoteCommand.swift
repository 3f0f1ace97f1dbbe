import GatewayCore

/// The command lines run on the Coolify host, every word single-quoted for the host's shell.
enum RemoteCommand {
    /// Exit statuses of `timeout` when it ended the command: TERM (124), or KILL after the grace period (137).
    static let timeoutStatuses: Set<Int32> = [124, 137]
    /// How long a command may ignore SIGTERM after its timeout before it gets SIGKILL.
    static let killGrace = "2s"

    /// Lists the running container of `service` by exact name.
    static func findContainer(_ service: ServiceUUID) -> String {
        ShellQuote.join(["docker", "ps", "--filter", "name=^\(service.devContainerName)$", "--format", "{{.Names}}"])
    }

    /// Runs `request.command` as one unit (`sh -c`) in `request.cwd` with `request.env` exported, as `request.user`,
    /// under `timeout` so the remote process group is killed when the time is up, whatever happens to the connection.
    static func exec(_ request: ExecRequest, container: String) -> String {
        var words = ["docker", "exec"]
        if request.stdin != nil { words.append("-i") }
        words += ["-u", request.user, "-w", request.cwd]
        for key in request.env.keys.sorted() {
            words += ["-e", "\(key)=\(request.env[key]!)"]
        }
        words += [container, "timeout", "-k", Self.killGrace, Self.seconds(request.timeout), "sh", "-c", request.command]
        return ShellQuote.join(words)
    }

    /// `duration` as decimal seconds with millisecond precision, as `timeout` reads it: `1.500`.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
