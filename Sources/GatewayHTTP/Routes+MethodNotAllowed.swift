import HTTPTypes
import Hummingbird

extension RouterMethods {
    /// Answers 405 with an `Allow` header for every other method a client may send to the path (TRACE, OPTIONS
    /// and QUERY included), instead of the router's default 404. HEAD is left alone where GET is allowed (the
    /// router's `autoGenerateHeadEndpoints` option would answer it like GET). Other method names still get the 404.
    /// - Parameters:
    ///   - path: The route path, as registered for the allowed methods.
    ///   - allowed: The methods the path does serve.
    @discardableResult
    func methodNotAllowed(_ path: RouterPath, allowed: [HTTPRequest.Method]) -> Self {
        let others: [HTTPRequest.Method] = [.get, .head, .put, .post, .delete, .patch, .options, .trace, .connect, .query]
        for method in others where !allowed.contains(method) && !(method == .head && allowed.contains(.get)) {
            self.on(path, method: method) { _, _ -> Response in throw APIError.methodNotAllowed(allowed: allowed) }
        }
        return self
    }
}

extension HTTPRequest.Method {
    /// QUERY (the IETF draft's safe method with a body), which clients and fuzzers send.
    static let query = HTTPRequest.Method("QUERY")!
}
