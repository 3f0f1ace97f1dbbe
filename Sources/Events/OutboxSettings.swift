import Foundation
import GatewayCore

/// Where and how the ``OutboxDeliverer`` sends events, and how it retries.
public struct OutboxSettings: Sendable {
    /// `GATEWAY_EVENTS_URL`, http or https.
    public var url: URL
    /// Signs every request with `GATEWAY_EVENTS_SECRET`.
    public var signer: StandardWebhookSigner
    /// The longest one POST may take.
    public var requestTimeout: Duration
    /// How often the outbox is read without a wake-up (events enqueued by other replicas, retries coming due).
    public var pollInterval: Duration
    /// The wait after the first failed attempt; it doubles per attempt up to ``maxRetryDelay``.
    public var firstRetryDelay: Duration
    public var maxRetryDelay: Duration
    /// How long after its creation an event is still attempted; then it is given up (and an error logged).
    public var retryWindow: Duration
    /// How long delivered and given-up events are kept before they are purged.
    public var retention: Duration
    /// Events read per query.
    public var batchSize: Int

    /// Three days: how long an event is attempted unless said otherwise.
    public static let defaultRetryWindow: Duration = .seconds(3 * 86_400)

    public init(
        url: URL,
        signer: StandardWebhookSigner,
        requestTimeout: Duration = .seconds(10),
        pollInterval: Duration = .seconds(5),
        firstRetryDelay: Duration = .seconds(5),
        maxRetryDelay: Duration = .seconds(600),
        retryWindow: Duration = Self.defaultRetryWindow,
        retention: Duration = .seconds(7 * 86_400),
        batchSize: Int = 100
    ) {
        self.url = url
        self.signer = signer
        self.requestTimeout = requestTimeout
        self.pollInterval = pollInterval
        self.firstRetryDelay = firstRetryDelay
        self.maxRetryDelay = maxRetryDelay
        self.retryWindow = retryWindow
        self.retention = retention
        self.batchSize = max(1, batchSize)
    }

    /// The settings `serve` uses: `url` must be http(s) and `secret` a valid `whsec_` secret.
    /// - Throws: ``OutboxSettingsError`` naming the setting that is wrong.
    public init(url: String, secret: String?) throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()), parsed.host != nil else {
            throw OutboxSettingsError("GATEWAY_EVENTS_URL=\(url) is not an http(s) URL such as https://chat.example.com/hooks/gateway")
        }
        guard let secret else {
            throw OutboxSettingsError(
                "GATEWAY_EVENTS_URL is set but GATEWAY_EVENTS_SECRET is not: outbound events are always signed; set it to 'whsec_' + base64 of 32 random bytes"
            )
        }
        do {
            self.init(url: parsed, signer: try StandardWebhookSigner(secret: secret))
        } catch {
            throw OutboxSettingsError("GATEWAY_EVENTS_SECRET is not usable: \(error)")
        }
    }

    /// The wait after `attempts` failed attempts: doubling from ``firstRetryDelay``, capped at ``maxRetryDelay``,
    /// less up to a fifth at random so that replicas and events do not retry in lockstep.
    public func retryDelay(afterAttempts attempts: Int) -> Duration {
        let ceiling = min(self.maxRetryDelay, self.firstRetryDelay * (1 << min(max(attempts, 1) - 1, 20)))
        return ceiling * Double.random(in: 0.8...1)
    }
}

/// An outbound-events setting `serve` cannot start with.
public struct OutboxSettingsError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
