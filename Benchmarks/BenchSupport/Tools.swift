import Foundation
import Subprocess
import SystemPackage

/// A failed step of the benchmark.
public struct BenchFailure: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// Prints one line at once (unbuffered, so a line is not lost if a later step fails).
public func emit(_ items: String...) {
    FileHandle.standardOutput.write(Data((items.joined(separator: " ") + "\n").utf8))
}

public func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

extension Duration {
    public var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}

/// Runs `executable` with `arguments` to its end, through swift-subprocess, which gives the child an empty signal
/// mask (pgbench's `-T` needs its SIGALRM; a Foundation `Process` child inherits this process's blocked signals).
/// - Returns: Its standard output.
/// - Throws: ``BenchFailure`` with its standard error when it exits non-zero.
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> String {
    let outcome = try await Subprocess.run(
        executable.contains("/") ? .path(FilePath(executable)) : .name(executable), arguments: Arguments(arguments),
        environment: .inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, Optional($0.value)) })),
        output: .string(limit: 64 << 20), error: .string(limit: 1 << 20)
    )
    guard case .exited(0) = outcome.terminationStatus else {
        throw BenchFailure(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(outcome.standardError ?? "")")
    }
    return outcome.standardOutput ?? ""
}

/// The PostgreSQL that scripts/bench-turns or scripts/bench-preview started (scripts/lib/postgres.sh exports where it is).
public struct Database: Sendable {
    public let host: String
    public let port: String
    public let user: String
    public let name: String

    public static func fromEnvironment(name: String) throws -> Database {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["POSTGRES_HOSTNAME"] else {
            throw BenchFailure(description: "POSTGRES_HOSTNAME is not set: run scripts/bench-turns or scripts/bench-preview, which start PostgreSQL")
        }
        return Database(host: host, port: environment["POSTGRES_PORT"] ?? "5432", user: environment["POSTGRES_USER"] ?? "postgres", name: name)
    }

    public var url: String { "postgres://\(self.user)@\(self.host):\(self.port)/\(self.name)?sslmode=disable" }
    public var connection: [String] { ["-h", self.host, "-p", self.port, "-U", self.user] }

    public func create() async throws { try await run("createdb", self.connection + [self.name]) }
    public func drop() async throws { try await run("dropdb", self.connection + ["--force", "--if-exists", self.name]) }

    /// Runs `sql` with psql; returns its unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        try await run("psql", self.connection + ["-d", self.name, "-v", "ON_ERROR_STOP=1", "-tAqc", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func integer(_ sql: String) async throws -> Int {
        let text = try await self.psql(sql)
        guard let value = Int(text) else { throw BenchFailure(description: "not a number from \(sql): \(text)") }
        return value
    }
}

/// The resident set size of process `pid`, in MB (`VmRSS` of /proc/{pid}/status).
public func residentMegabytes(_ pid: Int32) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return nil }
    return kilobytes / 1024
}

/// The CPU time process `pid` has used so far (user + system, from /proc/{pid}/stat), in seconds.
public func cpuSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.lastIndex(of: ")")
    else { return nil }
    // Fields after the name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    let fields = stat[stat.index(after: afterName)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
