import Synchronization

/// The turns this replica has claimed and not yet finished, bounded: a turn is counted before it is claimed, so
/// past the bound the route refuses it (503) instead of claiming what it cannot work off soon.
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
    private let keys = Mutex<Set<Key>>([])

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
            if keys.contains(key) { return .waiting }
            guard keys.count < self.limit else { return .full }
            keys.insert(key)
            return .reserved
        }
    }

    /// Counts `turn` out (it was finished, or not claimed after all); turns this replica did not claim are ignored.
    func release(_ turn: ChatTurn) {
        _ = self.keys.withLock { $0.remove(Key(turn)) }
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
