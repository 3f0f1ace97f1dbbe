import GatewayCore
import Testing

@Suite("Dev container names")
struct DevContainerNameTests {
    @Test("a service's dev container is vibn-dev-{uuid}, and the name leads back to the service")
    func roundTrip() {
        let service = ServiceUUID(trusted: "k0sw8c4gcs0o4c8ww4wgk0co")
        #expect(service.devContainerName == "vibn-dev-k0sw8c4gcs0o4c8ww4wgk0co")
        #expect(ServiceUUID(devContainerName: service.devContainerName) == service)
        #expect(PreviewRouting.defaultUpstreamPattern == "http://vibn-dev-{serviceUuid}:{port}")
        #expect(PreviewRouting.defaults.upstreamPattern == PreviewRouting.defaultUpstreamPattern)
    }

    @Test("any other container name has no service", arguments: [
        "", "vibn-dev", "vibn-dev-", "postgres-abc", "xvibn-dev-abc", "vibn-dev-ABC", "vibn-dev-a_b", "vibn-dev-abc-",
    ])
    func others(name: String) {
        #expect(ServiceUUID(devContainerName: name) == nil)
    }
}
