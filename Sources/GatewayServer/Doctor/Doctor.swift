import Foundation
import GatewayCore
import GatewayHTTP
import Logging
import Storage

/// `vibn-gateway doctor`: checks every configured peer for real, read-only (nothing is created, started or stored;
/// the events receiver gets one signed `gateway.ping`).
public enum Doctor {
    /// Runs every check against `configuration`, in order: store, Coolify, SSH, Traefik (and the default certificate),
    /// events, preview domain; opens the store for the checks and closes it after.
    public static func run(_ configuration: ServerConfiguration, logger: Logger) async -> [DoctorCheck] {
        do {
            return try await configuration.store.withStore(logger: logger) { store in
                await Self.run(configuration, store: store, logger: logger)
            }
        } catch {
            return [.failed("store", "cannot open the store: \(error)", fix: Self.storeFix), Self.previewHost(configuration)]
        }
    }

    /// Runs every check on a store that is already open (the status page of a serving replica).
    public static func run(_ configuration: ServerConfiguration, store: any GatewayStore, logger: Logger) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = [await Self.store(store)]
        checks += await Self.coolify(configuration, logger: logger)
        checks += await Self.ssh(configuration)
        checks += await Self.traefik(configuration)
        checks.append(await Self.events(configuration, store: store, logger: logger))
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
