@testable import Events
import Foundation
import Testing

@Suite("Standard Webhooks signatures")
struct StandardWebhookSignerTests {
    /// The example of the Standard Webhooks specification's reference libraries.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp = 1_614_265_330
    let body = Data(#"{"test": 2432232314}"#.utf8)

    @Test("signs the specification's example to its published signature")
    func knownVector() throws {
        let signer = try StandardWebhookSigner(secret: self.secret)
        #expect(signer.signature(id: self.id, timestamp: self.timestamp, body: self.body)
            == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("verifies its own signature among others, refuses tampering, stale times and missing headers")
    func verification() throws {
        let signer = try StandardWebhookSigner(secret: self.secret)
        let now = Date(timeIntervalSince1970: TimeInterval(self.timestamp))
        let good = signer.signature(id: self.id, timestamp: self.timestamp, body: self.body)
        let stamp = String(self.timestamp)
        try signer.verify(id: self.id, timestamp: stamp, signature: "v1,bm90IGl0 \(good)", body: self.body, now: now)
        try signer.verify(id: self.id, timestamp: stamp, signature: good, body: self.body, now: now.addingTimeInterval(299))
        #expect(throws: StandardWebhookError.signatureMismatch) {
            try signer.verify(id: self.id, timestamp: stamp, signature: good, body: Data("{}".utf8), now: now)
        }
        #expect(throws: StandardWebhookError.signatureMismatch) {
            try signer.verify(id: "msg_other", timestamp: stamp, signature: good, body: self.body, now: now)
        }
        #expect(throws: StandardWebhookError.timestampOutOfTolerance) {
            try signer.verify(id: self.id, timestamp: stamp, signature: good, body: self.body, now: now.addingTimeInterval(301))
        }
        #expect(throws: StandardWebhookError.invalidTimestamp) {
            try signer.verify(id: self.id, timestamp: "soon", signature: good, body: self.body, now: now)
        }
        #expect(throws: StandardWebhookError.missingHeader("webhook-signature")) {
            try signer.verify(id: self.id, timestamp: stamp, signature: nil, body: self.body, now: now)
        }
        let other = try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret())
        #expect(throws: StandardWebhookError.signatureMismatch) {
            try other.verify(id: self.id, timestamp: stamp, signature: good, body: self.body, now: now)
        }
    }

    @Test("a header of thousands of candidates costs one MAC: only the first 5 well-formed v1 candidates count")
    func boundedCandidates() throws {
        let signer = try StandardWebhookSigner(secret: self.secret)
        let now = Date(timeIntervalSince1970: TimeInterval(self.timestamp))
        let stamp = String(self.timestamp)
        let good = signer.signature(id: self.id, timestamp: self.timestamp, body: self.body)
        let wrong = signer.signature(id: "msg_other", timestamp: self.timestamp, body: self.body)
        // Malformed entries and other versions are skipped without counting; the first 5 of the right shape count.
        let noise = ["v1,short", "v2,\(String(good.dropFirst(3)))", "v1,!!!!"] + Array(repeating: wrong, count: 4)
        try signer.verify(id: self.id, timestamp: stamp, signature: (noise + [good]).joined(separator: " "), body: self.body, now: now)
        let thousands = Array(repeating: wrong, count: 5000) + [good]
        #expect(StandardWebhookSigner.candidates(in: thousands.joined(separator: " ")).count == StandardWebhookSigner.maxCandidates)
        #expect(throws: StandardWebhookError.signatureMismatch) {
            try signer.verify(id: self.id, timestamp: stamp, signature: thousands.joined(separator: " "), body: self.body, now: now)
        }
        // A stale message is refused on its headers: a 1 MiB body is never hashed.
        let large = Data(repeating: 0x61, count: 1 << 20)
        #expect(throws: StandardWebhookError.timestampOutOfTolerance) {
            try signer.verify(id: self.id, timestamp: "1", signature: thousands.joined(separator: " "), body: large, now: now)
        }
        #expect(throws: StandardWebhookError.signatureMismatch) {
            try signer.verify(id: self.id, timestamp: stamp, signature: "v1,bm90IGl0 v1x,abc", body: large, now: now)
        }
    }

    @Test("refuses secrets that are not whsec_ and base64 of 24+ bytes", arguments: ["", "whsec_", "secret", "whsec_!!!!", "whsec_c2hvcnQ="])
    func badSecrets(secret: String) {
        #expect(throws: StandardWebhookError.invalidSecret) { try StandardWebhookSigner(secret: secret) }
    }
}
