import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

extension URLSession {
    /// Sends `request` and returns its answer. Cancelling the calling task ends the wait at once with
    /// `CancellationError`; the transfer itself is left to finish or time out (`request.timeoutInterval`) unseen.
    ///
    /// Use this instead of the async `data(for:)`. In swift-corelibs-foundation, cancelling that call while its
    /// transfer completes deadlocks (its cancellation handler waits on the session's queue while that queue waits
    /// for the task's status lock — a hung test run when an event-delivery loop was shut down), and cancelling a
    /// data task that has just finished crashes ("a task that in not in the registry"). So the transfer is never
    /// cancelled here: only the caller stops waiting.
    public func response(to request: URLRequest) async throws -> (Data, URLResponse) {
        let pending = PendingResponse()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard pending.install(continuation) else { return }
                self.dataTask(with: request) { data, response, error in
                    if let error {
                        pending.finish(.failure(error))
                    } else if let response {
                        pending.finish(.success((data ?? Data(), response)))
                    } else {
                        pending.finish(.failure(URLError(.badServerResponse)))
                    }
                }.resume()
            }
        } onCancel: {
            // Resuming from inside the handler would take the task's status lock it already holds.
            DispatchQueue.global().async { pending.finish(.failure(CancellationError())) }
        }
    }
}

/// The waiting caller of one transfer, resumed exactly once: by the answer or by cancellation, whichever is first.
private final class PendingResponse: Sendable {
    typealias Answer = Result<(Data, URLResponse), any Error>

    private enum State {
        case notWaiting
        case waiting(CheckedContinuation<(Data, URLResponse), any Error>)
        case cancelledEarly
        case finished
    }

    private let state = Mutex<State>(.notWaiting)

    /// Records the caller's continuation; false (and the caller resumed with `CancellationError`) when it was
    /// cancelled before it got here, so no transfer should start.
    func install(_ continuation: CheckedContinuation<(Data, URLResponse), any Error>) -> Bool {
        let cancelled = self.state.withLock { state -> Bool in
            guard case .cancelledEarly = state else {
                state = .waiting(continuation)
                return false
            }
            return true
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// Resumes the caller with `answer` unless it was resumed already.
    func finish(_ answer: Answer) {
        let continuation = self.state.withLock { state -> CheckedContinuation<(Data, URLResponse), any Error>? in
            switch state {
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .notWaiting:
                state = .cancelledEarly
                return nil
            case .cancelledEarly, .finished:
                return nil
            }
        }
        continuation?.resume(with: answer)
    }
}
