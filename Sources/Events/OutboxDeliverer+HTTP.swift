import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import URLSessionSupport

/// Why one delivery attempt failed: what is kept as the event's `last_error`.
struct DeliveryFailure: Error, CustomStringConvertible {
    let description: String
}

extension OutboxDeliverer {
    /// The most characters of a refusing receiver's answer kept in `last_error`.
    static let answerExcerpt = 200

    /// POSTs the stored body, signed now, and succeeds on a 2xx answer.
    /// - Throws: ``DeliveryFailure`` on any other answer, a timeout, or no connection; `CancellationError` when the
    ///   caller was cancelled (shutdown), so that the attempt is not counted.
    func post(_ event: OutboundEvent) async throws {
        let body = Data(event.body.utf8)
        var request = URLRequest(url: self.settings.url, timeoutInterval: self.settings.requestTimeout.timeInterval)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("vibn-gateway", forHTTPHeaderField: "User-Agent")
        for header in self.settings.signer.headers(id: event.id, timestamp: self.clock.now, body: body) {
            request.setValue(header.value, forHTTPHeaderField: header.name)
        }
        let answer: (Data, URLResponse)
        do {
            answer = try await self.session.response(to: request)
        } catch let error as URLError where error.code == .cancelled {
            throw CancellationError()
        } catch let error as URLError where error.code == .timedOut {
            throw DeliveryFailure(description: "no answer within \(self.settings.requestTimeout)")
        } catch {
            throw DeliveryFailure(description: "could not reach the receiver: \(error.localizedDescription)")
        }
        guard let http = answer.1 as? HTTPURLResponse else { throw DeliveryFailure(description: "the answer was not HTTP") }
        guard (200..<300).contains(http.statusCode) else {
            let excerpt = String(decoding: answer.0.prefix(Self.answerExcerpt), as: UTF8.self)
            throw DeliveryFailure(description: "HTTP \(http.statusCode)" + (excerpt.isEmpty ? "" : ": \(excerpt)"))
        }
    }
}
