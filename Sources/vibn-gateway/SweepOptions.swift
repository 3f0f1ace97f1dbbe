import ArgumentParser
import GatewayCore

/// When idle dev containers are suspended, and how long an open chat turn keeps one awake.
struct SweepOptions: ParsableArguments {
    @Option(name: .customLong("idle-minutes"), help: "Minutes without activity after which the idle sweep (every 5 minutes) autosaves and suspends a running dev container. (env: VIBN_IDLE_MINUTES, default: \(IdleSweeper.defaultIdleMinutes))")
    var idleMinutes: Int?

    @Option(name: .customLong("turn-hold-minutes"), help: "Minutes a started chat turn without an 'ended' event keeps its container from the idle sweep. (env: VIBN_TURN_HOLD_MINUTES, default: \(IdleSweeper.defaultTurnHoldMinutes))")
    var turnHoldMinutes: Int?

    /// The validated limits, in minutes; call it at start so a bad value stops `serve` before anything opens.
    /// - Throws: `ValidationError` naming the setting that is malformed or out of range.
    func limits() throws -> (idleMinutes: Int, turnHoldMinutes: Int) {
        let range = IdleSweeper.idleMinutesRange
        func minutes(_ flag: Int?, env: String, default fallback: Int) throws -> Int {
            let value = try Setting.integer(flag, env: env, default: fallback)
            guard range.contains(value) else { throw ValidationError("\(env)=\(value) must be \(range.lowerBound) to \(range.upperBound)") }
            return value
        }
        return (
            idleMinutes: try minutes(self.idleMinutes, env: "VIBN_IDLE_MINUTES", default: IdleSweeper.defaultIdleMinutes),
            turnHoldMinutes: try minutes(self.turnHoldMinutes, env: "VIBN_TURN_HOLD_MINUTES", default: IdleSweeper.defaultTurnHoldMinutes)
        )
    }
}
