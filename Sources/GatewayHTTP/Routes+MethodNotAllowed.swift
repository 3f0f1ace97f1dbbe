import HTTPTypes
import Hummingbird

extension RouterMethods {
    /// Answers 405 with an `Allow` header for the common methods a path does not serve,
    /// instead of the router's default 404.
    /// - Parameters:
    ///   - path: The route path, as registered for the allowed methods.
    ///   - allowed: The methods the path does serve.
    @discardableResult
    func methodNotAllowed(_ path: RouterPath, allowed: [HTTPRequest.Method]) -> Self {
        let others: [HTTPRequest.Method] = [.get, .put, .post, .delete, .patch]
        for method in others where !allowed.contains(method) {
            self.on(path, method: method) { _, _ -> Response in throw APIError.methodNotAllowed(allowed: allowed) }
        }
        return self
    }
}
