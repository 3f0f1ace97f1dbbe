/// A condition that did not hold before its deadline.
public struct ConditionNotMet: Error, CustomStringConvertible {
    public let description: String
}

/// Polls `condition` every 100 ms until it holds, or throws ``ConditionNotMet`` naming `what` after `limit` (a bound
/// against hangs on a loaded machine, not a speed).
public func eventually(_ what: String, within limit: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws {
    try await eventually(what, within: limit) { () async throws -> (value: Void?, observed: String) in
        (try await condition() ? () : nil, "")
    }
}

/// Polls `probe` until it returns a value, or throws ``ConditionNotMet`` naming `what` (and the last observation)
/// after `limit`.
public func eventually<T>(
    _ what: String, within limit: Duration = .seconds(90), _ probe: () async throws -> (value: T?, observed: String)
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    var observed = ""
    while clock.now < deadline {
        let attempt = try await probe()
        if let value = attempt.value { return value }
        observed = attempt.observed
        try await Task.sleep(for: .milliseconds(100))
    }
    throw ConditionNotMet(description: "\(what): not within \(limit); last seen: \(observed.prefix(600))")
}
