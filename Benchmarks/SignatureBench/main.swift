// What one chat-turn signature check costs, whatever the sender puts in `webhook-signature`: the verifier on a
// 1 MiB body with one candidate, with 5,000 candidates, and with a stale timestamp, beside its floor, one raw
// HMAC-SHA256 of the same bytes (swift-crypto). Aim: thousands of candidates cost about one candidate (ratio ≈ 1)
// and about the floor; a stale request costs next to nothing.
// SIGNATURE_BENCH_ITERATIONS changes the number of checks per case (default 200).
import Crypto
import Events
import Foundation

let iterations = Int(ProcessInfo.processInfo.environment["SIGNATURE_BENCH_ITERATIONS"] ?? "") ?? 200
let secret = StandardWebhookSigner.generateSecret()
let signer = try StandardWebhookSigner(secret: secret)
let body = Data(repeating: 0x61, count: 1 << 20)
let now = Date()
let timestamp = Int(now.timeIntervalSince1970)
let id = "msg_bench"
let good = signer.signature(id: id, timestamp: timestamp, body: body)
let wrong = signer.signature(id: "msg_other", timestamp: timestamp, body: body)
let crowded = (Array(repeating: wrong, count: 5000) + [good]).joined(separator: " ")
let malformed = (Array(repeating: "v1,!!", count: 5000) + [good]).joined(separator: " ")
let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst(6)))!)

/// The median of `iterations` runs of `body`, in milliseconds.
func median(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = clock.now
        body()
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    return samples.sorted()[samples.count / 2]
}

let floor = median { _ = HMAC<SHA256>.authenticationCode(for: body, using: key) }
let one = median { _ = try? signer.verify(id: id, timestamp: String(timestamp), signature: good, body: body, now: now) }
let many = median { _ = try? signer.verify(id: id, timestamp: String(timestamp), signature: crowded, body: body, now: now) }
let skipped = median { _ = try? signer.verify(id: id, timestamp: String(timestamp), signature: malformed, body: body, now: now) }
let stale = median { _ = try? signer.verify(id: id, timestamp: "1", signature: crowded, body: body, now: now) }

func line(_ name: String, _ value: Double) {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0),
          String(format: "%8.3f ms   %5.2f× floor   %5.2f× one candidate", value, value / floor, value / one))
}
print("signature check of a 1 MiB body, median of \(iterations) (floor: one raw HMAC-SHA256 of the body)")
line("floor: HMAC-SHA256 of 1 MiB", floor)
line("verify, 1 candidate", one)
line("verify, 5,000 candidates (good one last)", many)
line("verify, 5,000 malformed entries, then good", skipped)
line("verify, stale timestamp, 5,000 candidates", stale)
let worst = max(many, skipped) / one
print(String(format: "thousands of entries cost %.2f× one candidate: aim ≤ 1.5 %@", worst, worst <= 1.5 ? "met" : "MISSED"))
