import Foundation
import GatewayCore
import Synchronization

/// A minimal compose renderer for lifecycle tests (the real one is PreviewConfig's `ComposeTemplate`).
public struct CoolifyTestCompose: ComposeRenderer {
    public init() {}

    public func renderCompose(_ input: ComposeInput) throws -> String {
        """
        services:
          vibn-dev:
            image: vibn-dev:latest
            environment:
              - VIBN_PROJECT_SLUG=\(input.projectSlug)
              - VIBN_PREVIEW_TOKEN=\(input.previewToken)

        """
    }
}

/// A wall clock that tests move by hand.
public final class CoolifyTestClock: WallClock {
    let current: Mutex<Date>

    public init(_ start: Date = Date()) {
        self.current = Mutex(start)
    }

    public var now: Date { self.current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by interval: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(interval) }
    }
}
