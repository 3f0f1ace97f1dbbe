import Foundation

/// How the gateway reaches Coolify's API and where it puts dev containers.
public struct CoolifyConfiguration: Sendable {
    /// Coolify's origin, e.g. `https://coolify.example.com`; the client adds `/api/v1`.
    public var apiURL: URL
    /// The API token (sent as `Authorization: Bearer …`; never logged).
    public var token: String
    /// The server dev containers run on.
    public var serverUUID: String
    /// The server's destination (Docker network) for dev containers; nil: Coolify picks the server's only one (a
    /// server with several answers 400 to a create without it).
    public var destinationUUID: String?
    /// One Coolify project for every dev container; nil: one Coolify project per gateway project.
    public var projectUUID: String?
    /// The Coolify environment services are created in.
    public var environmentName: String
    /// How long one request may take (an unanswered request counts as a timeout).
    public var requestTimeout: Duration
    public var retry: RetryPolicy

    public init(
        apiURL: URL,
        token: String,
        serverUUID: String,
        destinationUUID: String? = nil,
        projectUUID: String? = nil,
        environmentName: String = "production",
        requestTimeout: Duration = .seconds(30),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.apiURL = apiURL
        self.token = token
        self.serverUUID = serverUUID
        self.destinationUUID = destinationUUID
        self.projectUUID = projectUUID
        self.environmentName = environmentName
        self.requestTimeout = requestTimeout
        self.retry = retry
    }
}

/// Capped, jittered exponential backoff for idempotent calls.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The first backoff ceiling; it doubles per attempt up to ``maxDelay``.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest `Retry-After` the client waits for; a longer one fails at once with `coolify_rate_limited`.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
                maxRetryAfter: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before attempt `attempt + 1` ("full jitter": uniform between zero and the capped ceiling).
    func backoff(afterAttempt attempt: Int) -> Duration {
        let ceiling = min(self.maxDelay, self.baseDelay * (1 << min(attempt - 1, 20)))
        return ceiling * Double.random(in: 0...1)
    }
}
