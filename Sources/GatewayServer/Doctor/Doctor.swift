import Foundation
import Logging
import Storage

/// One line of `vibn-gateway doctor`: a check of one peer or setting, and how to fix it when it failed.
public struct DoctorCheck: Sendable, Encodable, Equatable {
    public enum Outcome: String, Sendable, Encodable {
        case passed, failed, skipped
    }

    /// What was checked, e.g. `store`, `coolify.server`, `ssh.image`.
    public var name: String
    public var outcome: Outcome
    /// What was found.
    public var detail: String
    /// What to do about a failure.
    public var fix: String?

    public static func passed(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .passed, detail: detail, fix: nil)
    }

    public static func failed(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .failed, detail: detail, fix: fix)
    }

    public static func skipped(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, outcome: .skipped, detail: detail, fix: nil)
    }
}

/// `vibn-gateway doctor`: checks every configured peer for real, read-only (nothing is created, started or stored;
/// the events receiver gets one signed `gateway.ping`).
public enum Doctor {
    /// Runs every check against `configuration`, in order: store, Coolify, SSH, Traefik (and the default certificate),
    /// events, preview domain.
    public static func run(_ configuration: ServerConfiguration, logger: Logger) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        do {
            try await configuration.store.withStore(logger: logger) { store in
                checks.append(await Self.store(store))
                checks += await Self.coolify(configuration, logger: logger)
                checks += await Self.ssh(configuration)
                checks += await Self.traefik(configuration)
                checks.append(await Self.events(configuration, store: store, logger: logger))
            }
        } catch {
            checks = [.failed("store", "cannot open the store: \(error)", fix: Self.storeFix)]
        }
        checks.append(Self.previewHost(configuration))
        return checks
    }

    /// One line per check (✓ passed, ✗ failed with its fix, – skipped) and a last line counting the failures.
    public static func text(_ checks: [DoctorCheck]) -> String {
        var lines = checks.map { check in
            let mark = switch check.outcome {
            case .passed: "✓"
            case .failed: "✗"
            case .skipped: "–"
            }
            return "\(mark) \(check.name): \(check.detail)" + (check.fix.map { "\n    fix: \($0)" } ?? "")
        }
        let failed = checks.filter { $0.outcome == .failed }.count
        lines.append(failed == 0 ? "all checks passed" : "\(failed) check\(failed == 1 ? "" : "s") failed")
        return lines.joined(separator: "\n")
    }

    static let storeFix = "check DATABASE_URL (or VIBN_SQLITE_PATH and its folder's permissions) and that the database server accepts this user"
}
