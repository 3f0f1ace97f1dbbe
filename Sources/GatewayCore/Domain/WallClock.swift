import Foundation

/// The source of "now" for everything the gateway records, so tests can move time.
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}
