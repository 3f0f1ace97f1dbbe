import Crypto
import Foundation

/// Signs and verifies webhooks the Standard Webhooks way (https://www.standardwebhooks.com):
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the bytes of a
/// `whsec_<base64>` secret. Used for inbound chat-turn events and outbound gateway events alike.
public struct StandardWebhookSigner: Sendable {
    /// How far a `webhook-timestamp` may be from now, either way.
    public static let tolerance: TimeInterval = 5 * 60

    /// The secret's key bytes (SymmetricKey is not Sendable, so one is made per use).
    let keyBytes: Data

    /// Parses `GATEWAY_EVENTS_SECRET`: `whsec_` followed by base64 of at least 24 random bytes.
    /// - Throws: ``StandardWebhookError/invalidSecret`` when it is anything else.
    public init(secret: String) throws {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))), bytes.count >= 24 else {
            throw StandardWebhookError.invalidSecret
        }
        self.keyBytes = bytes
    }

    /// A fresh secret for a new receiver: `whsec_` + base64 of 32 random bytes.
    public static func generateSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    // MARK: Signing

    /// The `webhook-signature` value for a message.
    public func signature(id: String, timestamp: Int, body: some DataProtocol) -> String {
        "v1," + Data(self.mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// The three headers that sign `body`, as name–value pairs.
    public func headers(id: String, timestamp: Date, body: some DataProtocol) -> [(name: String, value: String)] {
        let seconds = Int(timestamp.timeIntervalSince1970)
        return [
            ("webhook-id", id),
            ("webhook-timestamp", String(seconds)),
            ("webhook-signature", self.signature(id: id, timestamp: seconds, body: body)),
        ]
    }

    // MARK: Verifying

    /// At most this many `v1,` signatures of a `webhook-signature` header are considered (senders list one per
    /// active secret, so a handful covers a rotation); the rest are ignored.
    public static let maxCandidates = 5

    /// Checks a received message: the timestamp is within ``tolerance`` of `now`, and one of the space-separated
    /// `v1,` signatures matches (compared in constant time).
    ///
    /// The cost is bounded whatever the sender sends: the headers are checked before the body is hashed, the MAC is
    /// computed once, and only the first ``maxCandidates`` `v1,` candidates of the right length are compared.
    /// - Throws: ``StandardWebhookError`` naming what is wrong.
    public func verify(id: String?, timestamp: String?, signature: String?, body: some DataProtocol, now: Date) throws {
        try self.verify(Self.checkHeaders(id: id, timestamp: timestamp, signature: signature, now: now), body: body)
    }

    /// Checks `body` against headers that ``checkHeaders(id:timestamp:signature:now:)`` passed: one MAC, compared
    /// with every candidate in constant time (swift-crypto's `==` on a MAC).
    /// - Throws: ``StandardWebhookError/signatureMismatch``.
    public func verify(_ headers: SignatureHeaders, body: some DataProtocol) throws {
        let expected = self.mac(id: headers.id, timestamp: headers.seconds, body: body)
        var matched = false
        for candidate in headers.candidates {
            matched = (expected == candidate) || matched
        }
        guard matched else { throw StandardWebhookError.signatureMismatch }
    }

    /// The parts of a message's signature headers that passed ``checkHeaders(id:timestamp:signature:now:)``.
    public struct SignatureHeaders: Sendable {
        let id: String
        let seconds: Int
        /// The decoded MACs to compare (see ``candidates(in:)``).
        let candidates: [[UInt8]]
    }

    /// What can be checked before the body is read: the three headers are there, the timestamp is within
    /// ``tolerance`` of `now`, and at least one well-formed `v1,` candidate is given.
    /// - Throws: ``StandardWebhookError`` naming what is wrong.
    public static func checkHeaders(id: String?, timestamp: String?, signature: String?, now: Date) throws -> SignatureHeaders {
        guard let id, !id.isEmpty, id.utf8.count <= 256 else { throw StandardWebhookError.missingHeader("webhook-id") }
        guard let timestamp else { throw StandardWebhookError.missingHeader("webhook-timestamp") }
        guard let signature else { throw StandardWebhookError.missingHeader("webhook-signature") }
        guard timestamp.utf8.count <= 12, let seconds = Int(timestamp) else { throw StandardWebhookError.invalidTimestamp }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= Self.tolerance else {
            throw StandardWebhookError.timestampOutOfTolerance
        }
        let candidates = Self.candidates(in: signature)
        guard !candidates.isEmpty else { throw StandardWebhookError.signatureMismatch }
        return SignatureHeaders(id: id, seconds: seconds, candidates: candidates)
    }

    /// The decoded MACs of the first ``maxCandidates`` `v1,` entries of a `webhook-signature` value that have the
    /// length of an HMAC-SHA256 (32 bytes, 44 base64 characters); entries of other versions or lengths are skipped.
    static func candidates(in signature: String) -> [[UInt8]] {
        // One pass over the bytes that stops at the last candidate needed: no array of every entry is built.
        let space = UInt8(ascii: " ")
        let version = Array("v1,".utf8)
        var candidates: [[UInt8]] = []
        var rest = signature.utf8[...]
        while candidates.count < Self.maxCandidates, !rest.isEmpty {
            let end = rest.firstIndex(of: space) ?? rest.endIndex
            let entry = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            guard entry.count == version.count + 44, entry.starts(with: version),
                  let bytes = Data(base64Encoded: Data(entry.dropFirst(version.count))), bytes.count == 32
            else { continue }
            candidates.append(Array(bytes))
        }
        return candidates
    }

    // MARK: Internals

    func mac(id: String, timestamp: Int, body: some DataProtocol) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Self.content(id, timestamp, body), using: SymmetricKey(data: self.keyBytes))
    }

    static func content(_ id: String, _ timestamp: Int, _ body: some DataProtocol) -> Data {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return content
    }
}

/// Why a Standard Webhooks message or secret was refused.
public enum StandardWebhookError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSecret
    case missingHeader(String)
    case invalidTimestamp
    case timestampOutOfTolerance
    case signatureMismatch

    public var description: String {
        switch self {
        case .invalidSecret: "the secret must be 'whsec_' followed by base64 of at least 24 bytes"
        case .missingHeader(let name): "the '\(name)' header is missing"
        case .invalidTimestamp: "'webhook-timestamp' is not whole seconds since 1970"
        case .timestampOutOfTolerance: "'webhook-timestamp' is more than 5 minutes away from the gateway's clock"
        case .signatureMismatch: "no 'v1' signature in 'webhook-signature' matches the body"
        }
    }
}
