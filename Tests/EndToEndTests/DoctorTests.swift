import Events
import Foundation
import GatewayTestSupport
import Testing

/// `vibn-gateway doctor` against the real peers: PostgreSQL, the Coolify stand-in, sshd with the docker stand-in,
/// Traefik's directory and an events receiver; once all healthy, once each broken in its own way.
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
        try await GatewayStoreBackend.postgres.withSettings(work: work) { storeSettings in
            try await CoolifyStandIn.withRunning { coolify in
                try await EventReceiverStandIn.withRunning { receiver in
                    let healthy = [
                        "COOLIFY_API_URL": coolify.url.absoluteString, "COOLIFY_API_TOKEN": coolify.token,
                        "COOLIFY_SERVER_UUID": coolify.serverUUID, "VIBN_DEV_IMAGE": image,
                        "COOLIFY_SSH_HOST": peer.host, "COOLIFY_SSH_PORT": String(peer.port), "COOLIFY_SSH_USER": peer.user,
                        "COOLIFY_SSH_PRIVATE_KEY_B64": Data(peer.privateKey).base64EncodedString(), "COOLIFY_SSH_KNOWN_HOSTS": peer.knownHosts,
                        "TRAEFIK_DYNAMIC_DIR": dynamic.path, "LOG_LEVEL": "error",
                        "GATEWAY_EVENTS_URL": receiver.url.absoluteString, "GATEWAY_EVENTS_SECRET": StandardWebhookSigner.generateSecret(),
                    ].merging(storeSettings) { $1 }
                    try "true".write(to: imageFile, atomically: true, encoding: .utf8)
                    try "---\n{}\n".write(to: dynamic.appendingPathComponent("vibn-previews.yml"), atomically: true, encoding: .utf8)

                    let good = try await Self.doctor(healthy, work: work, exitCode: 0)
                    let names = ["store", "coolify.api", "coolify.server", "coolify.projects", "ssh", "ssh.image", "traefik.directory", "traefik.file", "events", "preview.host"]
                    #expect(good.map(\.name) == names)
                    #expect(good.allSatisfy { $0.outcome == "passed" }, "\(good.filter { $0.outcome != "passed" })")
                    #expect(good.first { $0.name == "store" }?.detail.contains("10 migration(s) pending") == true, "a fresh database")
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
                    let bad = try await Self.doctor(broken, work: work, exitCode: 1)
                    for (name, message) in [
                        ("coolify.server", "unreachable or unusable"), ("ssh.image", "without the label coolify.managed=true"),
                        ("traefik.file", "does not parse"), ("events", "could not reach the receiver"), ("preview.host", "does not fit DNS"),
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
                }
            }
        }
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
