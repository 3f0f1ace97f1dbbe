import ArgumentParser
import GatewayHTTP

/// How long the server keeps idle connections and waits for slow requests.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Seconds a connection may stay idle (or a request head take to arrive) before it is closed. (env: GATEWAY_IDLE_TIMEOUT, default: 30)")
    var idleTimeout: Int?

    @Option(help: "Seconds a request's body may take to arrive whole, counted from its head; slower ones are cut off. (env: GATEWAY_REQUEST_READ_TIMEOUT, default: 60)")
    var requestReadTimeout: Int?

    /// The limits, each 1–3600 seconds.
    /// - Throws: `ValidationError` naming a setting outside that range.
    func limits() throws -> ConnectionLimits {
        let defaults = ConnectionLimits.defaults
        let idle = try Setting.integer(self.idleTimeout, env: "GATEWAY_IDLE_TIMEOUT", default: Int(defaults.idleTimeout.components.seconds))
        let read = try Setting.integer(
            self.requestReadTimeout, env: "GATEWAY_REQUEST_READ_TIMEOUT", default: Int(defaults.requestReadTimeout.components.seconds)
        )
        for (name, value) in [("GATEWAY_IDLE_TIMEOUT", idle), ("GATEWAY_REQUEST_READ_TIMEOUT", read)] where !(1...3600).contains(value) {
            throw ValidationError("\(name)=\(value) must be 1-3600 seconds")
        }
        return ConnectionLimits(idleTimeout: .seconds(idle), requestReadTimeout: .seconds(read))
    }
}
