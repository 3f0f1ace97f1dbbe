import Foundation

/// The shell scripts that start, check and stop dev servers inside a container. Every value reaches them as a
/// quoted positional parameter (`set -- …`), never spliced into the script text.
///
/// A dev server runs as `sh -c … VIBN_DEV_SERVER_ID=<id>` in its own session and process group (`setsid`), so its
/// pid is its group id, and its command line carries the marker that proves a pid is still ours: a group is only
/// ever signalled after `/proc/<pid>/cmdline` shows the marker (a recycled pid lacks it).
enum DevServerScript {
    /// Where dev servers' logs live inside the container: on the cache volume, because Coolify recreates the
    /// container's own filesystem on every start (`up --force-recreate`), so `…/logs` still answers after a resume.
    static let logDirectory = "/home/vibn/.cache/vibn-dev/logs"

    /// Exit statuses of ``start``.
    enum StartStatus {
        /// A tracked dev server of the project still serves the port.
        static let trackedListener: Int32 = 10
        /// Something else still listens on the port after it was told to stop.
        static let portTaken: Int32 = 11
    }

    /// The seed's environment that makes common dev servers listen on every interface (Traefik reaches the
    /// container over its network, so a loopback-only server would answer 502), and `next dev -H 0.0.0.0`.
    static func listeningOnAllInterfaces(_ command: String) -> String {
        var command = command.trimmingCharacters(in: .whitespacesAndNewlines)
        if command.contains(/\bnext\s+dev\b/), !command.contains(/(^|\s)(-H|--hostname)(\s|=|$)/),
           let match = command.firstMatch(of: /\bnext\s+dev\b/) {
            command.replaceSubrange(match.range, with: "next dev -H 0.0.0.0")
        }
        return "export HOST=0.0.0.0 HOSTNAME=0.0.0.0 VITE_DEV_SERVER_HOST=0.0.0.0 WEBPACK_DEV_SERVER_HOST=0.0.0.0; " + command
    }

    // MARK: - Scripts

    /// Shell functions every script shares: `ours PID ID`, `stop_group PID ID`, `listening PORT`, `launch PORT ID CMD`.
    /// A launch appends to the server's log after a marker line, so a relaunch after a resume keeps what came before.
    private static let functions = """
        ours() { [ -n "$1" ] && tr '\\0' '\\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF "VIBN_DEV_SERVER_ID=$2"; }
        stop_group() {
          kill -TERM "-$1" 2>/dev/null || return 0
          i=0; while ours "$1" "$2" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
          kill -KILL "-$1" 2>/dev/null; return 0
        }
        listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
        listeners() { ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }
        launch() {
          mkdir -p \(Self.logDirectory) || exit 1
          echo "--- vibn: dev server $2 started $(date -u +%Y-%m-%dT%H:%M:%SZ) ---" >>"\(Self.logDirectory)/$2.log" || exit 1
          env PORT="$1" VIBN_DEV_SERVER_ID="$2" setsid sh -c 'bash -lc "$1"; exit $?' vibn-dev-server "$3" "VIBN_DEV_SERVER_ID=$2" \\
            >>"\(Self.logDirectory)/$2.log" 2>&1 </dev/null &
          echo "pid $!"
        }
        """

    /// Reports each tracked `id:pid` of the port as `live ID` or `gone ID`; stops if one is live
    /// (``StartStatus/trackedListener``); else stops any other listener (TERM, then KILL), fails with
    /// ``StartStatus/portTaken`` if the port stays taken, and launches the server, printing `pid N`.
    static func start(port: PreviewPort, id: DevServerID, command: String, tracked: [DevServerRecord]) -> ExecRequest {
        let script = """
            port=$1 id=$2 cmd=$3; shift 3
            live=0
            for row in "$@"; do
              if ours "${row#*:}" "${row%%:*}"; then echo "live ${row%%:*}"; live=1; else echo "gone ${row%%:*}"; fi
            done
            [ $live = 0 ] || exit \(StartStatus.trackedListener)
            if listening "$port"; then
              for p in $(listeners "$port"); do kill -TERM "$p" 2>/dev/null; done
              i=0; while listening "$port" && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
              for p in $(listeners "$port"); do kill -KILL "$p" 2>/dev/null; done
              i=0; while listening "$port" && [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done
              ! listening "$port" || exit \(StartStatus.portTaken)
            fi
            launch "$port" "$id" "$cmd"
            """
        let rows = tracked.map { "\($0.id):\($0.pid.map(String.init) ?? "")" }
        return Self.request(script, [port.description, id.rawValue, Self.listeningOnAllInterfaces(command)] + rows, timeout: .seconds(20))
    }

    /// Prints `alive` when the server's recorded group is still ours; else launches it again, printing `pid N`.
    static func relaunch(_ server: DevServerRecord) -> ExecRequest {
        let script = """
            if ours "$1" "$2"; then echo alive; exit 0; fi
            launch "$3" "$2" "$4"
            """
        let arguments = [server.pid.map(String.init) ?? "", server.id.rawValue, server.port.description,
                         Self.listeningOnAllInterfaces(server.command)]
        return Self.request(script, arguments, timeout: .seconds(10))
    }

    /// Stops the server's process group if, and only if, it is still ours.
    static func stop(_ server: DevServerRecord) -> ExecRequest {
        Self.request(#"if ours "$1" "$2"; then stop_group "$1" "$2"; fi"#, [server.pid.map(String.init) ?? "", server.id.rawValue],
                     timeout: .seconds(15))
    }

    /// One readiness check: `ready` when the port answers HTTP (any status, as the seed), else `waiting` while
    /// the server's group lives, or `dead`.
    static func probe(_ server: DevServerRecord, timeout: Duration) -> ExecRequest {
        let script = """
            code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null)
            case $code in ''|000) ;; *) echo ready; exit 0 ;; esac
            if ours "$2" "$3"; then echo waiting; else echo dead; fi
            """
        return Self.request(script, [server.port.description, server.pid.map(String.init) ?? "", server.id.rawValue], timeout: timeout)
    }

    /// The last `lines` lines of the server's log, or `(no log yet)`.
    static func tail(_ id: DevServerID, lines: Int) -> ExecRequest {
        Self.request(#"tail -n "$1" -- "$2" 2>/dev/null || echo '(no log yet)'"#,
                     [String(lines), "\(Self.logDirectory)/\(id.rawValue).log"], timeout: .seconds(10))
    }

    // MARK: - Output

    /// The `pid N` line of a launch, if any.
    static func launchedPID(_ result: ExecResult) -> Int? {
        Self.lines(result).lazy.compactMap { line in line.hasPrefix("pid ") ? Int(line.dropFirst(4)) : nil }.first
    }

    /// The ids a ``start`` script reported with `word` (`live` or `gone`).
    static func reported(_ word: String, in result: ExecResult) -> [DevServerID] {
        Self.lines(result).compactMap { line in
            line.hasPrefix(word + " ") ? try? DevServerID(validating: String(line.dropFirst(word.count + 1))) : nil
        }
    }

    /// The standard output's lines.
    static func lines(_ result: ExecResult) -> [String] {
        String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `script` after the shared functions, with `arguments` as `$1`, `$2`, ….
    private static func request(_ script: String, _ arguments: [String], timeout: Duration) -> ExecRequest {
        ExecRequest(command: "set -- \(ShellQuote.join(arguments))\n\(Self.functions)\n\(script)", timeout: timeout, maxBytes: 64 * 1024)
    }
}
