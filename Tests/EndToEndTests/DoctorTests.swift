import Crypto
import Events
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayTestSupport
import SwiftASN1
import Testing
import URLSessionSupport
import X509

/// `vibn-gateway doctor` against the real peers: PostgreSQL, the Coolify stand-in, sshd with the docker stand-in,
/// the real Traefik watching the gateway's directory and an events receiver; once all healthy, once each broken in
/// its own way.
@Suite("End to end: vibn-gateway doctor")
struct DoctorTests {
    @Test("a healthy setup passes every check and exits 0; a broken one fails each check with its own message and fix, and exits 1",
          .timeLimit(.minutes(3)))
    func healthyAndBroken() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vibn-doctor-\(UUID().uuidString)")
        let dynamic = work.appendingPathComponent("dynamic")
        try FileManager.default.createDirectory(at: dynamic, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let peer = try SSHTestPeer.require()
        let image = "vibn-dev-doctor-\(UUID().uuidString.prefix(8).lowercased()):latest"
        let images = URL(fileURLWithPath: peer.dockerRoot).appendingPathComponent(".images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let imageFile = images.appendingPathComponent(image)
        defer { try? FileManager.default.removeItem(at: imageFile) }
        let certificates = try Self.certificates(in: work)
        try await GatewayStoreBackend.postgres.withSettings(work: work) { storeSettings in
            try await CoolifyStandIn.withRunning { coolify in
                try await EventReceiverStandIn.withRunning { receiver in
                  try await TraefikPeer.with(provider: .file(directory: dynamic)) { traefik in
                    let healthy = [
                        "COOLIFY_API_URL": coolify.url.absoluteString, "COOLIFY_API_TOKEN": coolify.token,
                        "COOLIFY_SERVER_UUID": coolify.serverUUID, "VIBN_DEV_IMAGE": image,
                        "COOLIFY_SSH_HOST": peer.host, "COOLIFY_SSH_PORT": String(peer.port), "COOLIFY_SSH_USER": peer.user,
                        "COOLIFY_SSH_PRIVATE_KEY_B64": Data(peer.privateKey).base64EncodedString(), "COOLIFY_SSH_KNOWN_HOSTS": peer.knownHosts,
                        "TRAEFIK_DYNAMIC_DIR": dynamic.path, "LOG_LEVEL": "error",
                        "GATEWAY_EVENTS_URL": receiver.url.absoluteString, "GATEWAY_EVENTS_SECRET": StandardWebhookSigner.generateSecret(),
                        "TRAEFIK_API_URL": "http://127.0.0.1:\(traefik.apiPort)", "VIBN_PREVIEW_DOMAIN_BASE": "preview.doctor.example",
                        "VIBN_PREVIEW_DEFAULT_CERT_FILE": certificates.good.path, "VIBN_PREVIEW_DEFAULT_KEY_FILE": certificates.key.path,
                    ].merging(storeSettings) { $1 }
                    try "true".write(to: imageFile, atomically: true, encoding: .utf8)
                    try Self.routerDocument("vibn-doctor").write(to: dynamic.appendingPathComponent("vibn-previews.yml"), atomically: true, encoding: .utf8)
                    try await Self.waitForRouter("vibn-doctor", in: traefik)

                    let good = try await Self.doctor(healthy, work: work, exitCode: 0)
                    let names = [
                        "store", "coolify.api", "coolify.server", "coolify.projects", "ssh", "ssh.image", "ssh.sessions",
                        "traefik.directory", "traefik.file", "traefik.routers", "preview.certificate", "events", "preview.host",
                    ]
                    #expect(good.map(\.name) == names)
                    #expect(good.allSatisfy { $0.outcome == "passed" }, "\(good.filter { $0.outcome != "passed" })")
                    #expect(good.first { $0.name == "store" }?.detail.contains("12 migration(s) pending") == true, "a fresh database")
                    #expect(good.first { $0.name == "ssh.sessions" }?.detail.contains("sshd allows 10 sessions") == true, "stock sshd: \(good)")
                    #expect(good.first { $0.name == "traefik.routers" }?.detail.contains("all 1 router(s)") == true, "\(good)")
                    #expect(await receiver.accepted().contains { String(decoding: $0.body, as: UTF8.self).contains(#""type":"gateway.ping""#) })
                    let text = try await OperatorCommandTests.command(["doctor"], healthy, work)
                    #expect(text.output.hasPrefix("✓ store: ") && text.output.hasSuffix("all checks passed\n"), "\(text.output)")

                    // Broken: each peer in its own way.
                    await coolify.setServerReachable(false)
                    try "".write(to: imageFile, atomically: true, encoding: .utf8)
                    try "http: [not, a, map\n".write(to: dynamic.appendingPathComponent("vibn-previews.yml"), atomically: true, encoding: .utf8)
                    var broken = healthy
                    broken["GATEWAY_EVENTS_URL"] = "http://127.0.0.1:\(try FreePort.next())/events"
                    broken["VIBN_PREVIEW_DOMAIN_BASE"] = (0..<4).map { _ in String(repeating: "d", count: 47) }.joined(separator: ".") + ".example"
                    broken["VIBN_SSH_MAX_SESSIONS"] = "12"
                    let bad = try await Self.doctor(broken, work: work, exitCode: 1)
                    for (name, message) in [
                        ("coolify.server", "unreachable or unusable"), ("ssh.image", "without the label coolify.managed=true"),
                        ("ssh.sessions", "sshd allows 10 sessions per connection but VIBN_SSH_MAX_SESSIONS is 12"),
                        ("traefik.file", "does not parse"), ("events", "could not reach the receiver"), ("preview.host", "does not fit DNS"),
                        ("preview.certificate", "not *.\(broken["VIBN_PREVIEW_DOMAIN_BASE"]!)"),
                    ] {
                        let check = bad.first { $0.name == name }
                        #expect(check?.outcome == "failed" && check?.detail.contains(message) == true && check?.fix != nil, "\(name): \(String(describing: check))")
                    }
                    try FileManager.default.removeItem(at: imageFile)
                    await coolify.revokeToken()
                    var unreachable = broken
                    unreachable["DATABASE_URL"] = "postgres://postgres@127.0.0.1:\(try FreePort.next())/none?sslmode=disable"
                    unreachable["COOLIFY_SSH_PORT"] = String(try FreePort.next())
                    unreachable["TRAEFIK_DYNAMIC_DIR"] = work.appendingPathComponent("missing").path
                    let down = try await Self.doctor(unreachable, work: work, exitCode: 1)
                    for (name, fix) in [
                        ("store", "DATABASE_URL"), ("coolify.api", "COOLIFY_API_TOKEN"), ("ssh", "COOLIFY_SSH_HOST"), ("traefik.directory", "create it"),
                    ] {
                        let check = down.first { $0.name == name }
                        #expect(check?.outcome == "failed" && check?.fix?.contains(fix) == true, "\(name): \(String(describing: check))")
                    }

                    // Traefik watches another directory than the gateway writes; the certificate is about to expire.
                    let elsewhere = work.appendingPathComponent("elsewhere")
                    try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
                    try Self.routerDocument("vibn-elsewhere").write(to: elsewhere.appendingPathComponent("vibn-previews.yml"), atomically: true, encoding: .utf8)
                    var misplaced = healthy
                    misplaced["TRAEFIK_DYNAMIC_DIR"] = elsewhere.path
                    misplaced["VIBN_PREVIEW_DEFAULT_CERT_FILE"] = certificates.expiring.path
                    let lost = try await Self.doctor(misplaced, work: work, exitCode: 1)
                    for (name, message) in [
                        ("traefik.routers", "Traefik has not loaded 1 of the 1 router(s) in vibn-previews.yml (e.g. vibn-elsewhere)"),
                        ("preview.certificate", "covers *.preview.doctor.example but expires on"),
                    ] {
                        let check = lost.first { $0.name == name }
                        #expect(check?.outcome == "failed" && check?.detail.contains(message) == true && check?.fix != nil, "\(name): \(String(describing: check))")
                    }
                  }
                }
            }
        }
    }

    /// A gateway-shaped file with one router called `name` on Traefik's `web` entry point.
    static func routerDocument(_ name: String) -> String {
        """
        ---
        http:
          routers:
            '\(name)':
              entryPoints: ['web']
              rule: 'Host(`\(name).preview.doctor.example`)'
              service: '\(name)'
          services:
            '\(name)':
              loadBalancer:
                passHostHeader: true
                servers:
                  - url: 'http://127.0.0.1:9'

        """
    }

    /// Waits until Traefik's API reports the router `name` from the file provider.
    static func waitForRouter(_ name: String, in traefik: TraefikPeer) async throws {
        let url = URL(string: "http://127.0.0.1:\(traefik.apiPort)/api/http/routers/\(name)@file")!
        try await eventually("Traefik loads \(name) (log: \(traefik.logTail()))", within: .seconds(30)) {
            let answer = try? await URLSession.shared.response(to: URLRequest(url: url, timeoutInterval: 5))
            return (answer?.1 as? HTTPURLResponse)?.statusCode == 200
        }
    }

    /// Self-signed certificates of the preview domain: one valid for 90 days, one expiring in 5; and their key.
    static func certificates(in work: URL) throws -> (good: URL, expiring: URL, key: URL) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("vibn doctor test") }
        func write(days: Double, to file: String) throws -> URL {
            let now = Date()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + days * 86_400, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions { SubjectAlternativeNames([.dnsName("*.preview.doctor.example")]) },
                issuerPrivateKey: Certificate.PrivateKey(key)
            )
            let url = work.appendingPathComponent(file)
            try certificate.serializeAsPEM().pemString.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let keyFile = work.appendingPathComponent("preview.key")
        try key.pemRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
        return (try write(days: 90, to: "preview.pem"), try write(days: 5, to: "expiring.pem"), keyFile)
    }

    struct Check: Decodable, CustomStringConvertible {
        let name: String
        let outcome: String
        let detail: String
        let fix: String?
        var description: String { "\(self.name) \(self.outcome): \(self.detail)" }
    }

    /// Runs `vibn-gateway doctor --json` and decodes its checks.
    static func doctor(_ environment: [String: String], work: URL, exitCode: Int32) async throws -> [Check] {
        let run = try await OperatorCommandTests.command(["doctor", "--json"], environment, work, expectSuccess: exitCode == 0)
        return try JSONDecoder().decode([Check].self, from: Data(run.output.utf8))
    }
}
