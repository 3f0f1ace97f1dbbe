/// Every protected route of the gateway, reached through every path shape a router may fold back onto it
/// (`//v1/…`, `///v1/…`, `/v1//…`, `/./v1/…`, `/%761/…`, a trailing slash) and every method, without credentials.
/// Each attempt must be refused (401) or find no route (404/405): never reach a handler.
public enum AuthBypassMatrix {
    /// One request of the matrix.
    public struct Attempt: Sendable, CustomStringConvertible {
        public let method: String
        public let target: String
        public var description: String { "\(self.method) \(self.target)" }
    }

    /// The statuses that prove no handler answered.
    public static let refusals: Set<Int> = [401, 404, 405]

    /// The protected routes, with their own methods, under `/v1`.
    static let routes: [(path: String, methods: [String])] = {
        let project = "/v1/workspaces/acme/projects/proj_1"
        return [
            (project + "/container", ["GET", "PUT"]),
            (project + "/container/suspend", ["POST"]),
            (project + "/container/resume", ["POST"]),
            (project + "/exec", ["POST"]),
            (project + "/files?path=/workspace/a.txt", ["GET", "PUT", "DELETE"]),
            (project + "/dev-servers", ["GET", "POST"]),
            (project + "/dev-servers/ds_0123456789ab", ["DELETE"]),
            (project + "/dev-servers/ds_0123456789ab/logs", ["GET"]),
            (project + "/autosave", ["POST"]),
            ("/v1/sweeps/idle", ["POST"]),
        ]
    }()

    /// The shapes of one path (which starts with `/v1/`) that a lenient router may treat as the path itself.
    static func shapes(of target: String) -> [String] {
        let (path, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[$0...])) } ?? (target, "")
        let rest = String(path.dropFirst("/v1/".count))
        return [
            path, "/" + path, "//" + path, "/v1//" + rest, "/./v1/" + rest, "/%761/" + rest, "/v1/./" + rest,
            path + "/", "/" + path + "/",
        ].map { $0 + query }
    }

    /// Every attempt: each shape of each route with its own methods and HEAD, OPTIONS, TRACE and PATCH.
    public static var attempts: [Attempt] {
        self.routes.flatMap { route in
            self.shapes(of: route.path).flatMap { target in
                (route.methods + ["HEAD", "OPTIONS", "TRACE", "PATCH"]).map { Attempt(method: $0, target: target) }
            }
        }
    }

    /// Sends every attempt, without credentials, to `127.0.0.1:port`.
    /// - Returns: Each attempt that was not refused (or failed), with what it got: empty when no handler answered.
    public static func unrefused(port: Int) async -> [String] {
        var reached: [String] = []
        for attempt in self.attempts {
            do {
                let response = try await RawHTTPConnection.exchange(port: port, method: attempt.method, target: attempt.target)
                if !self.refusals.contains(response.status) { reached.append("\(attempt) → \(response.status)") }
            } catch {
                reached.append("\(attempt) → \(error)")
            }
        }
        return reached
    }

    /// The review's exploit, exactly: paths the router folds onto a protected route, whose own check must refuse them.
    public static let exploits: [Attempt] = [
        Attempt(method: "GET", target: "//v1/workspaces/acme/projects/proj_1/container"),
        Attempt(method: "POST", target: "/v1//workspaces/acme/projects/proj_1/exec"),
    ]

    /// The Coolify webhook's path with `secret` in the shapes a client might send it (for log checks).
    public static func webhookShapes(secret: String) -> [String] {
        ["/v1/webhooks/coolify/\(secret)", "//v1/webhooks/coolify/\(secret)", "/v1//webhooks/coolify/\(secret)",
         "/v1/webhooks/coolify/\(secret)/", "/./v1/webhooks/coolify/\(secret)", "/%761/webhooks/coolify/\(secret)",
         "/v1/webhooks/coolify/\(secret)/extra", "/v1/webhooks/coolify/\(secret)?x=1"]
    }
}
