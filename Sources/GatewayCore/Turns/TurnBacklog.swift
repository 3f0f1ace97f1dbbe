import Synchronization

/// The turns this replica has claimed and not yet finished, bounded: a turn is counted before it is claimed, so
/// past the bound the route refuses it (503) instead of claiming what it cannot work off soon.
///
/// Another replica may apply a turn this one claimed (it held the project's lease): such turns are forgotten on the
/// next scan of the store (``forgetApplied(pending:claimedBefore:)``), or the backlog would fill for good.
final class TurnBacklog: Sendable {
    struct Key: Hashable, Sendable {
        let project: ProjectID
        let turn: TurnID
        let phase: ChatTurnPhase

        init(_ turn: ChatTurn) {
            (self.project, self.turn, self.phase) = (turn.project, turn.turn, turn.phase)
        }
    }

    let limit: Int
    /// Each counted turn, with when its claim was stored (nil while it is being claimed).
    private let keys = Mutex<[Key: ContinuousClock.Instant?]>([:])

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// What counting a turn in found.
    enum Reservation {
        /// Counted in: claim it.
        case reserved
        /// This replica claimed it already and has not finished it: a replay.
        case waiting
        /// The backlog is full: refuse it.
        case full
    }

    /// Counts `turn` in, unless it is counted already or the backlog is full.
    func reserve(_ turn: ChatTurn) -> Reservation {
        self.keys.withLock { keys in
            let key = Key(turn)
            if keys[key] != nil { return .waiting }
            guard keys.count < self.limit else { return .full }
            keys[key] = .some(nil)
            return .reserved
        }
    }

    /// Notes that `turn`'s claim is stored: from now on a scan that finds its project without pending turns may
    /// forget it.
    func claimed(_ turn: ChatTurn) {
        let now = ContinuousClock.now
        self.keys.withLock { keys in
            if keys[Key(turn)] != nil { keys[Key(turn)] = now }
        }
    }

    /// Counts `turn` out (it was finished, or not claimed after all); turns this replica did not claim are ignored.
    func release(_ turn: ChatTurn) {
        _ = self.keys.withLock { $0.removeValue(forKey: Key(turn)) }
    }

    /// Forgets the turns claimed before `cutoff` whose project has no pending turn in `pending` (read from the store
    /// after `cutoff`): another replica applied them.
    func forgetApplied(pending: Set<ProjectID>, claimedBefore cutoff: ContinuousClock.Instant) {
        self.keys.withLock { keys in
            keys = keys.filter { key, claimedAt in
                guard let claimedAt, claimedAt < cutoff else { return true }
                return pending.contains(key.project)
            }
        }
    }

    /// How many claimed turns wait.
    var count: Int { self.keys.withLock { $0.count } }
}

/// How many turns this replica finished, by outcome (`applied`, `failed`).
final class FinishedTurns: Sendable {
    private let byOutcome = Mutex<[String: Int]>([:])

    func count(_ outcome: ChatTurnOutcome) {
        self.byOutcome.withLock { $0[outcome == .applied ? "applied" : "failed", default: 0] += 1 }
    }

    var counts: [String: Int] { self.byOutcome.withLock { $0 } }
}
