import Events
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import URLSessionSupport

/// One HTTP answer from the gateway.
struct HTTPAnswer: Sendable {
    let status: Int
    let body: Data

    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: self.body) as? [String: Any] else {
            throw EndToEndFailure(description: "not a JSON object: \(self.text.prefix(300))")
        }
        return object
    }
}

/// Requests to the running gateway over loopback, with the API token as a Bearer token when given.
struct GatewayClient: Sendable {
    let origin: URL
    let token: String?
    /// The session requests go through (the shared one opens at most 6 connections per host).
    var session: URLSession = .shared

    /// Sends one request; `json` is sent as `application/json`.
    func send(_ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = []) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: self.origin.absoluteString + path)!, timeoutInterval: 60)
        request.httpMethod = method
        if let token = self.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        for header in headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        let (data, response) = try await self.session.response(to: request)
        return HTTPAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// `POST /v1/events/chat-turn` signed the Standard Webhooks way with `secret` (no Bearer token).
    func chatTurn(_ turn: [String: String], secret: String) async throws -> HTTPAnswer {
        let body = try JSONSerialization.data(withJSONObject: turn, options: .sortedKeys)
        let headers = try StandardWebhookSigner(secret: secret).headers(id: "msg_" + UUID().uuidString, timestamp: Date(), body: body)
        let unsigned = GatewayClient(origin: self.origin, token: nil, session: self.session)
        return try await unsigned.send("POST", "/v1/events/chat-turn", json: String(decoding: body, as: UTF8.self), headers: headers)
    }
}
