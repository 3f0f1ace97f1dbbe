import HTTPTypes
import Hummingbird

extension RouterMethods {
    /// Answers 405 with an `Allow` header for every other method a client may send to the path (TRACE and
    /// OPTIONS included), instead of the router's default 404. HEAD is left to Hummingbird where GET is allowed
    /// (it answers HEAD like GET, without the body) and is listed in `Allow` then.
    /// - Parameters:
    ///   - path: The route path, as registered for the allowed methods.
    ///   - allowed: The methods the path does serve.
    @discardableResult
    func methodNotAllowed(_ path: RouterPath, allowed: [HTTPRequest.Method]) -> Self {
        let served = allowed.contains(.get) && !allowed.contains(.head) ? allowed + [.head] : allowed
        let others: [HTTPRequest.Method] = [.get, .head, .put, .post, .delete, .patch, .options, .trace, .connect, .query]
        for method in others where !served.contains(method) {
            self.on(path, method: method) { _, _ -> Response in throw APIError.methodNotAllowed(allowed: served) }
        }
        return self
    }
}

extension HTTPRequest.Method {
    /// QUERY (the IETF draft's safe method with a body), which clients and fuzzers send.
    static let query = HTTPRequest.Method("QUERY")!
}
