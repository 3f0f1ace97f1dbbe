import ArgumentParser
import Foundation
import GatewayServer
#if canImport(Glibc)
import Glibc
#endif

/// `vibn-gateway serve`: the HTTP server and its background services, until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs the gateway's HTTP server (migrating the store first)."
    )

    @OptionGroup var options: GatewayOptions

    /// glibc gives threads that contend for memory arenas of their own (up to eight per core), and under load they
    /// hold most of the gateway's memory; two arenas serve the same load in less (scripts/bench-turns, one run: peak
    /// RSS 138 MB instead of 153 MB). An operator's `MALLOC_ARENA_MAX` wins.
    static func limitMallocArenas() {
        #if canImport(Glibc)
        // glibc's malloc.h is not in Swift's Glibc module: `mallopt` is looked up (RTLD_DEFAULT) and called as C.
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(nil, "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mArenaMax: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, 2)
        #endif
    }

    func run() async throws {
        // A child (ssh, git) that exits before reading what the gateway writes to it must end that write with an
        // error, never end the gateway: SIGPIPE's default action would kill the process.
        signal(SIGPIPE, SIG_IGN)
        Self.limitMallocArenas()
        let logger = try self.options.logOptions.bootstrap(label: "vibn-gateway")
        try await GatewayServer.run(try self.options.configuration(logger: logger, serving: true), logger: logger)
    }
}
