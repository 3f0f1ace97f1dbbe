import Foundation

/// Settings that `scripts/test` exports for the real test peers it starts.
///
/// A test that needs a peer whose variable is missing fails with this error: it is never skipped.
public struct MissingTestPeer: Error, CustomStringConvertible {
    public let variable: String
    public let peer: String

    public init(variable: String, peer: String) {
        self.variable = variable
        self.peer = peer
    }

    public var description: String {
        "\(self.variable) is not set: run the tests through scripts/test, which starts \(self.peer)"
    }
}

public enum TestEnvironment {
    /// The value of `variable`, or ``MissingTestPeer`` naming the `peer` that scripts/test starts.
    public static func require(_ variable: String, for peer: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw MissingTestPeer(variable: variable, peer: peer)
        }
        return value
    }
}
