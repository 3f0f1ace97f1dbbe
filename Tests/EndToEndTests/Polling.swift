/// A step of the loop that failed: a condition that did not hold before its deadline, or a tool that failed.
struct EndToEndFailure: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` every 100 ms until it holds, or throws ``EndToEndFailure`` naming `what` after `limit`.
func eventually(_ what: String, within limit: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws {
    try await eventually(what, within: limit) { () async throws -> (value: Void?, observed: String) in
        (try await condition() ? () : nil, "")
    }
}

/// Polls `probe` until it returns a value, or throws ``EndToEndFailure`` naming `what` (and the last observation)
/// after `limit`.
func eventually<T>(
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
    throw EndToEndFailure(description: "\(what): not within \(limit); last seen: \(observed.prefix(600))")
}
