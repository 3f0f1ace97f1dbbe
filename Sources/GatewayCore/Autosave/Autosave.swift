import Foundation
import Logging

/// The answer to an autosave: `{"ran","reason","pushedAt"?,"commit"?}`.
public struct AutosaveResult: Sendable, Equatable {
    /// Whether a commit was pushed.
    public var ran: Bool
    /// `pushed`, `throttled`, `no_git`, `no_project_slug` or `state=<state>`.
    public var reason: String
    public var pushedAt: Date?
    /// The commit now at `vibn-autosave/main`.
    public var commit: String?

    public init(ran: Bool, reason: String, pushedAt: Date? = nil, commit: String? = nil) {
        self.ran = ran
        self.reason = reason
        self.pushedAt = pushedAt
        self.commit = commit
    }

    static func skipped(_ reason: String) -> AutosaveResult { AutosaveResult(ran: false, reason: reason) }
}

/// Saves a project's `/workspace/{slug}` to the `vibn-autosave/main` branch of its `origin`, without touching
/// the user's branch, index or working tree (the seed's `autosaveWorkspace`, with point 10 of docs/DESIGN.md fixed).
///
/// At most one push per ``interval`` per project unless forced; every push and every failure is recorded
/// in the store, and a failure is thrown, never reported as success.
public struct Autosave: Sendable {
    /// The least time between two pushes of one project (the seed's 5 minutes).
    public static let interval: TimeInterval = 5 * 60
    /// How long the save may run in the container (the seed's 30 s).
    public static let timeout: Duration = .seconds(30)

    /// Where containers and earlier attempts are read.
    public let store: any StoreQueries
    /// Where attempts are recorded (observed: they become `autosave.*` events).
    public let changes: any StateChanges
    /// The shell into containers; nil when SSH is not configured.
    public let shell: (any ContainerShell)?
    public let clock: any WallClock
    /// One save of a project at a time, in this process and across replicas.
    let exclusion: ProjectExclusion
    /// Resumes a suspended container before an asked-for save; nil: a suspended container is not saved.
    public private(set) var waker: ContainerWaker?

    /// - Parameter replicaID: This replica's id in the autosave leases.
    public init(
        store: any StoreQueries, changes: any StateChanges, shell: (any ContainerShell)?, clock: any WallClock = SystemClock(),
        replicaID: String
    ) {
        self.store = store
        self.changes = changes
        self.shell = shell
        self.clock = clock
        // Longer than a save may take (and a little more), so a lease never lapses under a running save.
        self.exclusion = ProjectExclusion(
            purpose: .autosave, store: store, owner: replicaID, leaseDuration: Self.timeout * 4, wait: Self.timeout * 2
        )
    }

    var directory: ProjectDirectory { ProjectDirectory(store: self.store, clock: self.clock) }

    /// This autosave, resuming a suspended container with `waker` before a save asked for by project
    /// (``save(workspace:project:force:)``); it shares the one-save-at-a-time exclusion.
    public func waking(with waker: ContainerWaker) -> Autosave {
        var waking = self
        waking.waker = waker
        return waking
    }

    // MARK: Saving

    /// Autosaves the container of `project`, which must belong to `workspace` (resumed first when it is suspended and
    /// this autosave has a waker).
    /// - Throws: ``GatewayError`` `ssh_not_configured`, `project_not_found`, `no_container`, `autosave_failed`
    ///   (recorded, with git's output), or whatever the shell reports.
    public func save(workspace: WorkspaceSlug, project: ProjectID, force: Bool) async throws -> AutosaveResult {
        guard self.shell != nil else { throw GatewayError.sshNotConfigured }
        guard let found = try await self.directory.container(workspace: workspace, project: project) else {
            throw GatewayError.noContainer(project)
        }
        let record = try await self.waker?.awake(found) ?? found
        return try await self.save(record, force: force)
    }

    /// Autosaves a container row: only a `running` one with a slug and a service, at most once per ``interval``
    /// unless `force`. Saves of one project run one at a time, in this process and across replicas (two concurrent
    /// pushes to one branch make one fail), so a save that waited finds the other's push when it checks the throttle.
    /// - Throws: ``GatewayError`` `ssh_not_configured`, `autosave_failed`, or whatever the shell reports.
    public func save(_ record: ContainerRecord, force: Bool) async throws -> AutosaveResult {
        try await self.exclusion.run(record.projectID) { try await self.saveAlone(record, force: force) }
    }

    func saveAlone(_ record: ContainerRecord, force: Bool) async throws -> AutosaveResult {
        guard let shell = self.shell else { throw GatewayError.sshNotConfigured }
        guard record.state == .running, let service = record.serviceUUID else {
            return .skipped("state=\(record.state.rawValue)")
        }
        guard let slug = record.projectSlug else { return .skipped("no_project_slug") }
        let now = self.clock.now
        if !force, let last = try await self.store.lastPushedAutosave(project: record.projectID),
           now.timeIntervalSince(last.at) < Self.interval {
            return .skipped("throttled")
        }
        let script = AutosaveScript(slug: slug, message: "autosave \(now.formatted(.iso8601))")
        let result = try await shell.exec(script.request(timeout: Self.timeout), in: service)
        let outcome = AutosaveScript.Outcome(result)
        if outcome == .noGit { return .skipped("no_git") }
        let output = String(decoding: result.stdout + result.stderr, as: UTF8.self)
        let commit: String? = if case .pushed(let commit) = outcome { commit } else { nil }
        try await self.changes.recordAutosave(AutosaveAttempt(
            projectID: record.projectID, workspace: record.workspace, repo: slug.rawValue, output: output,
            code: result.exitCode, commit: commit, ok: commit != nil, at: now
        ))
        guard let commit else { throw GatewayError.autosaveFailed(record.projectID, result: result) }
        return AutosaveResult(ran: true, reason: "pushed", pushedAt: now, commit: commit)
    }

    // MARK: Before suspend

    /// The lifecycle's ``SaveWork`` hook: a forced autosave before a container is stopped.
    ///
    /// A failed save is recorded and logged as an error but does not stop the suspend: the workspace volume
    /// survives the stop, and a project whose `origin` is unreachable must still be suspendable.
    public func saveBeforeSuspend(logger: Logger) -> SaveWork {
        { record in
            do {
                let result = try await self.save(record, force: true)
                logger.info("autosaved before suspend", metadata: [
                    "project.id": "\(record.projectID)", "autosave.reason": "\(result.reason)",
                    "autosave.commit": "\(result.commit ?? "-")",
                ])
            } catch {
                logger.error("autosave before suspend failed; suspending anyway", metadata: [
                    "project.id": "\(record.projectID)", "error": "\(error)",
                ])
            }
        }
    }
}

extension GatewayError {
    /// The autosave ran but did not push; git's last error lines (or last lines) go in the message.
    static func autosaveFailed(_ project: ProjectID, result: ExecResult) -> GatewayError {
        GatewayError(
            .upstream, code: .autosaveFailed,
            message: "The autosave of project '\(project)' \(result.ending) and pushed nothing: \(result.errorLines)",
            hint: "Check that /workspace/<slug> has an 'origin' remote the container can push to."
        )
    }
}
