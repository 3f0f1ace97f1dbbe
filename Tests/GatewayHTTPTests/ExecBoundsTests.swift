import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What one exec may cost the gateway: a bounded command, and a reply bounded by `maxBytes` once JSON-escaped.
@Suite("POST …/exec bounds", .timeLimit(.minutes(3)))
struct ExecBoundsTests {
    @Test("a command over 16 KiB or a maxBytes over 1 MiB is 400 and runs nothing")
    func limits() async throws {
        let fixture = try await ExecFixture.make(state: .running)
        try await fixture.test { client in
            let long = "touch /workspace/ran; " + String(repeating: "#", count: ExecRequest.maxCommandBytes)
            try await client.exec(#"{"command":"\#(long)"}"#) { response throws in
                #expect(response.status == .badRequest)
                #expect(try response.errorBody().error.code == "invalid_command")
            }
            try await client.exec(#"{"command":"touch /workspace/ran","maxBytes":1048577}"#) { response throws in
                #expect(response.status == .badRequest)
                #expect(try response.errorBody().error.code == "invalid_max_bytes")
            }
            let exact = String(repeating: ":", count: ExecRequest.maxCommandBytes)
            try await client.exec(#"{"command":"\#(exact)"}"#) { response throws in
                #expect(response.status == .ok, "a command of exactly 16 KiB runs")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("ran").path))
    }

    @Test("NUL and control bytes cannot blow the reply up: each stream's escaped JSON stays within maxBytes")
    func escapedOutputIsBounded() async throws {
        let fixture = try await ExecFixture.make(state: .running)
        try await fixture.test { client in
            let command = "head -c 200000 /dev/zero; head -c 200000 /dev/zero >&2"
            try await client.exec(#"{"command":"\#(command)","maxBytes":60000}"#) { response throws in
                #expect(response.status == .ok)
                // Each NUL is six bytes escaped: 60,000 bytes of JSON string hold 10,000 of them.
                #expect(response.body.readableBytes < 2 * 60_000 + 1_000, "reply of \(response.body.readableBytes) bytes")
                let json = try response.json()
                #expect(json["truncated"] as? Bool == true)
                #expect((json["stdout"] as? String)?.unicodeScalars.count == 10_000)
                #expect((json["stderr"] as? String)?.unicodeScalars.count == 10_000)
            }
            try await client.exec(#"{"command":"printf 'a\\tb'","maxBytes":60000}"#) { response throws in
                let json = try response.json()
                #expect(json["stdout"] as? String == "a\tb")
                #expect(json["truncated"] as? Bool == false)
            }
        }
    }
}
