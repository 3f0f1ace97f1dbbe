import Foundation

/// The doctor's latest result for the status page. A view older than ``maxAge`` starts a new run in the background
/// (one at a time) and shows the previous result meanwhile, so the page never waits for a peer's timeout, and the
/// checks (with their signed `gateway.ping`) run only while someone looks.
public actor DoctorResults {
    /// The checks and when they finished.
    struct Result: Sendable {
        let checks: [DoctorCheck]
        let at: Date
    }

    static let maxAge: TimeInterval = 300

    private let run: @Sendable () async -> [DoctorCheck]
    private var latest: Result?
    private var running: Task<Void, Never>?

    /// - Parameter run: Runs every check once (`Doctor.run` with serve's settings and store).
    public init(run: @escaping @Sendable () async -> [DoctorCheck]) {
        self.run = run
    }

    /// The latest result (nil before the first run ends), starting a new run when it is missing or stale.
    func current(now: Date = Date()) -> (result: Result?, refreshing: Bool) {
        let stale = self.latest.map { now.timeIntervalSince($0.at) > Self.maxAge } ?? true
        if stale, self.running == nil {
            let run = self.run
            self.running = Task {
                let checks = await run()
                self.finish(Result(checks: checks, at: Date()))
            }
        }
        return (self.latest, self.running != nil)
    }

    private func finish(_ result: Result) {
        self.latest = result
        self.running = nil
    }
}
