import Foundation
import GatewayCore
@testable import PreviewConfig
import Testing

@Suite("Traefik JSON encoder")
struct TraefikJSONEncoderTests {
    /// What Foundation's JSONEncoder writes with the options the Traefik documents used to be encoded with.
    static func reference(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// A string of random scalars, biased towards what needs escaping: quotes, backslashes, slashes, control
    /// characters, DEL, multi-byte and astral scalars, and combining marks.
    static func randomString(using generator: inout some RandomNumberGenerator) -> String {
        let pool: [ClosedRange<UInt32>] = [0x00...0x1F, 0x20...0x7F, 0x22...0x22, 0x5C...0x5C, 0x2F...0x2F, 0x80...0x7FF, 0x300...0x36F, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF]
        var text = ""
        for _ in 0..<Int.random(in: 0...24, using: &generator) {
            let range = pool.randomElement(using: &generator)!
            text.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: range, using: &generator))!)
        }
        return text
    }

    @Test("the Traefik configuration encodes to JSONEncoder's bytes, with and without TLS, certificate and routes")
    func configurations() throws {
        let certificate = TraefikDynamicConfiguration.Certificate(certFile: "/certs/preview.crt", keyFile: "/certs/preview.key")
        for resolver in ["letsencrypt-dns", nil] {
            let routing = try PreviewRouting(
                domainBase: "preview.vibnai.com", entryPoints: ["https", "web"], certResolver: resolver,
                upstreamPattern: "http://vibn-dev-{serviceUuid}:{port}"
            )
            for defaultCertificate in [certificate, nil] {
                let builder = try TraefikConfigBuilder(routing: routing, defaultCertificate: defaultCertificate)
                for previews in [[], Fixtures.previews, try TraefikDocumentCheckTests.previews(projects: 30)] {
                    let configuration = builder.configuration(for: previews)
                    #expect(try TraefikJSONEncoder().encode(configuration) == Self.reference(configuration))
                }
            }
        }
    }

    @Test("random strings as keys and values are escaped and sorted as JSONEncoder does")
    func randomStrings() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var map: [String: [String]] = [:]
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                map[Self.randomString(using: &generator)] = (0..<3).map { _ in Self.randomString(using: &generator) }
            }
            let encoded = try TraefikJSONEncoder().encode(map)
            #expect(encoded == (try Self.reference(map)), "\(map)")
        }
    }

    @Test("booleans, integers, nil, nested and empty containers match JSONEncoder")
    func shapes() throws {
        struct Empty: Encodable {
            func encode(to encoder: any Encoder) throws { _ = encoder.container(keyedBy: CodingKeys.self) }
            enum CodingKeys: CodingKey { case unused }
        }
        struct Shape: Encodable {
            var flag = false
            var count = -42
            var big = UInt64.max
            var missing: String? = nil
            var present: String? = "\"\\/\u{7F}"
            var empty = Empty()
            var list: [[Int]] = [[], [1, 2], [3]]
            var nulls: [String?] = [nil, "a"]
            var nested = ["z": ["b": true, "a": false], "é": [:], "Z": ["": true]]
        }
        #expect(try TraefikJSONEncoder().encode(Shape()) == Self.reference(Shape()))
        #expect(try TraefikJSONEncoder().encode(["a", "b"]) == Self.reference(["a", "b"]))
        #expect(try TraefikJSONEncoder().encode("top\n") == Self.reference("top\n"))
    }

    @Test("floating-point values are refused, not rendered differently")
    func floatingPoint() {
        #expect(throws: EncodingError.self) { try TraefikJSONEncoder().encode(["x": 1.5]) }
    }
}
