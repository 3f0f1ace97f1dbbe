@testable import Coolify
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import GatewayTestSupport
import Logging
import Testing

/// What Coolify's own code does and its API document does not say, played by the stand-in: stop's image cleanup,
/// the 400s of a start or stop already done, 400 `Invalid token.`, and servers with several destinations.
@Suite("Coolify client: real Coolify's semantics")
struct RealCoolifySemanticsTests {
    /// A service of the stand-in, created stopped.
    static func stoppedService(_ standIn: CoolifyStandIn, _ client: CoolifyClient) async throws -> ServiceUUID {
        let project = await standIn.addProject(name: "p")
        return try await client.createService(
            name: "vibn-dev-app", description: "d", projectUUID: project, compose: "services: {}\n", instantDeploy: false
        )
    }

    @Test("a stop asks Coolify not to clean up Docker, which would delete the unlabelled dev image")
    func stopKeepsImages() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let client = CoolifyClientTests.client(standIn)
            let uuid = try await Self.stoppedService(standIn, client)
            try await client.startService(uuid)
            try await client.stopService(uuid)
            #expect(await standIn.cleanups() == 0)
            #expect(try await client.service(uuid).status == "exited")
            try await client.startService(uuid)
            #expect(try await client.service(uuid).status == "running:unknown")

            // What a stop with Coolify's default does: the unlabelled image is removed and the next start fails.
            try await Self.rawStop(uuid, standIn)
            #expect(await standIn.cleanups() == 1)
            #expect(await standIn.imagePresent() == false)
            try await client.startService(uuid)
            #expect(try await client.service(uuid).status == "exited")
        }
    }

    @Test("an image labelled coolify.managed=true survives the cleanup of a default stop")
    func labelledImageSurvives() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let client = CoolifyClientTests.client(standIn)
            let uuid = try await Self.stoppedService(standIn, client)
            await standIn.labelImage()
            try await client.startService(uuid)
            try await Self.rawStop(uuid, standIn)
            #expect(await standIn.cleanups() == 1)
            #expect(await standIn.imagePresent())
            try await client.startService(uuid)
            #expect(try await client.service(uuid).status == "running:unknown")
        }
    }

    /// `POST /services/{uuid}/stop` without `docker_cleanup`, as Coolify's own UI and other clients send it.
    static func rawStop(_ uuid: ServiceUUID, _ standIn: CoolifyStandIn) async throws {
        var request = URLRequest(url: standIn.url.appendingPathComponent("api/v1/services/\(uuid)/stop"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("Bearer \(standIn.token)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }

    @Test("a start of a running service and a stop of a stopped one succeed, so retries converge")
    func idempotentPower() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let client = CoolifyClientTests.client(standIn)
            let uuid = try await Self.stoppedService(standIn, client)
            // Coolify answers these 400 `Service is already stopped.` / `… running.`; the client counts them as done.
            try await client.stopService(uuid)
            try await client.startService(uuid)
            try await client.startService(uuid)
            #expect(try await client.service(uuid).status == "running:unknown")
            await standIn.setStatus(uuid.rawValue, "running:healthy")
            try await client.startService(uuid)
            try await client.stopService(uuid)
            try await client.stopService(uuid)
            #expect(try await client.service(uuid).status == "exited")
            // Any other 400 is still an error.
            await standIn.removeService(uuid.rawValue)
            let missing = await #expect(throws: GatewayError.self) { try await client.startService(uuid) }
            #expect(missing?.code.rawValue == "coolify_not_found")
        }
    }

    @Test("the stand-in's status lags a start (exited, starting, exited, running) and a stop writes exited at once")
    func statusLagsStart() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            let client = CoolifyClientTests.client(standIn)
            let uuid = try await Self.stoppedService(standIn, client)
            // Each phase lasts a second. A poll on a machine busy with every other suite may miss a phase, so what is
            // checked is the order of what was seen and that `running` never shows before the lag is over.
            await standIn.setStartLag(.seconds(3))
            let start = ContinuousClock.now
            try await client.startService(uuid)
            var seen: [(status: String, after: Duration)] = []
            while seen.last?.status != "running:unknown", ContinuousClock.now < start + .seconds(15) {
                let status = try await client.service(uuid).status ?? "-"
                if seen.last?.status != status { seen.append((status, ContinuousClock.now - start)) }
                try await Task.sleep(for: .milliseconds(20))
            }
            let schedule = ["exited", "starting:unknown", "exited", "running:unknown"]
            var rest = schedule[...]
            for (status, _) in seen {
                guard let index = rest.firstIndex(of: status) else { Issue.record("\(status) out of order in \(seen)"); break }
                rest = rest[(index + 1)...]
            }
            #expect(seen.count >= 2 && seen.last?.status == "running:unknown", "\(seen)")
            #expect(seen.last.map { $0.after >= .seconds(3) } == true, "running shows only once the lag is over: \(seen)")
            // A stop is seen at once.
            try await client.stopService(uuid)
            #expect(try await client.service(uuid).status == "exited")
            // A stop while a start still reads `exited` is answered "already stopped" (Coolify checks the status only),
            // so the start still shows: why the gateway confirms stops with docker, not with Coolify's word.
            try await client.startService(uuid)
            try await client.stopService(uuid)
            try await Task.sleep(for: .seconds(3.5))
            #expect(try await client.service(uuid).status == "running:unknown")
        }
    }

    @Test("400 `Invalid token.` is an authentication failure, like 401")
    func invalidToken() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            await standIn.revokeToken()
            let error = await #expect(throws: GatewayError.self) { try await CoolifyClientTests.client(standIn).services() }
            #expect(error?.code.rawValue == "coolify_unauthorized")
            #expect(error?.message.contains("Invalid token.") == true)
        }
    }

    @Test("a server with several destinations needs COOLIFY_DESTINATION_UUID: refused without it, created with it")
    func severalDestinations() async throws {
        try await CoolifyStandIn.withRunning { standIn throws in
            await standIn.setDestinations(["dst-a", "dst-b"])
            let project = await standIn.addProject(name: "p")
            let plain = CoolifyClientTests.client(standIn)
            let refused = await #expect(throws: GatewayError.self) {
                try await plain.createService(name: "a", description: "d", projectUUID: project, compose: "services: {}\n", instantDeploy: false)
            }
            #expect(refused?.code.rawValue == "coolify_invalid_request")
            #expect(refused?.message.contains("multiple destinations") == true)

            var configuration = plain.configuration
            configuration.destinationUUID = "dst-b"
            let client = CoolifyClient(configuration: configuration, logger: Logger(label: "coolify-tests"))
            let uuid = try await client.createService(name: "a", description: "d", projectUUID: project, compose: "services: {}\n", instantDeploy: false)
            let body = try #require(await standIn.calls().last { $0.method == "POST" && $0.path == "/services" }?.body)
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(fields["destination_uuid"] as? String == "dst-b")
            #expect(await standIn.service(uuid.rawValue) != nil)
        }
    }
}
