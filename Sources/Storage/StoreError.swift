import GatewayCore

/// Failures inside a store that are not the caller's fault.
enum StoreError: Error, CustomStringConvertible {
    /// A row that an insert found already present was gone when read back (deleted concurrently).
    case vanished(ProjectID)

    var description: String {
        switch self {
        case .vanished(let project): "the container row of '\(project)' disappeared while it was being reserved"
        }
    }
}
