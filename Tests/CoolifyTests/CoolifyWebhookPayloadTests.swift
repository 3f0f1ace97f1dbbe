import Coolify
import GatewayCore
import Testing

@Suite("Coolify webhook payloads")
struct CoolifyWebhookPayloadTests {
    @Test("every event the gateway acts on is read with its fields; slash-escaped JSON and extra fields are fine", arguments: [
        (#"{"success":false,"event":"container_stopped","container_name":"vibn-dev-abc","server_uuid":"s1","url":"https:\/\/c.example.com"}"#,
         CoolifyEvent.containerStopped(container: "vibn-dev-abc", serverUUID: "s1")),
        (#"{"event":"container_restarted","container_name":"vibn-dev-abc"}"#, .containerRestarted(container: "vibn-dev-abc", serverUUID: nil)),
        (#"{"event":"server_unreachable","server_uuid":"s1"}"#, .serverUnreachable(serverUUID: "s1")),
        (#"{"event":"server_reachable","server_uuid":""}"#, .serverReachable(serverUUID: nil)),
        (#"{"event":"deployment_success","application_uuid":"a1","deployment_uuid":"d1"}"#,
         .deployment(applicationUUID: "a1", deploymentUUID: "d1", succeeded: true)),
        (#"{"event":"deployment_failed","application_uuid":"a1","deployment_uuid":null}"#,
         .deployment(applicationUUID: "a1", deploymentUUID: nil, succeeded: false)),
        (#"{"success":false,"event":"high_disk_usage","server_name":"host-a","server_uuid":"s1","disk_usage":91,"threshold":80,"url":"https:\/\/c.example.com"}"#,
         .highDiskUsage(HostDiskReport(serverUUID: "s1", serverName: "host-a", diskUsage: 91, threshold: 80))),
        (#"{"event":"high_disk_usage","server_uuid":"s1","disk_usage":"87.6","threshold":null}"#,
         .highDiskUsage(HostDiskReport(serverUUID: "s1", serverName: nil, diskUsage: 88, threshold: nil))),
        (#"{"event":"high_disk_usage","disk_usage":"lots","threshold":[80]}"#,
         .highDiskUsage(HostDiskReport(serverUUID: nil, serverName: nil, diskUsage: nil, threshold: nil))),
    ])
    func known(body: String, event: CoolifyEvent) {
        #expect(CoolifyWebhookPayload.event(from: Array(body.utf8)) == event)
    }

    @Test("anything else is other: unknown events, missing fields, no event, not an object, not JSON", arguments: [
        (#"{"event":"something_new","a":[1,{"b":null}]}"#, CoolifyEvent.other(event: "something_new")),
        (#"{"event":"container_stopped","server_uuid":"s1"}"#, .other(event: "container_stopped")),
        (#"{"event":"deployment_failed","application_uuid":42}"#, .other(event: "deployment_failed")),
        (#"{"event":null}"#, .other(event: nil)),
        (#"{"container_name":"vibn-dev-abc"}"#, .other(event: nil)),
        (#"["container_stopped"]"#, .other(event: nil)),
        ("\u{0}garbage", .other(event: nil)),
        ("", .other(event: nil)),
    ])
    func other(body: String, event: CoolifyEvent) {
        #expect(CoolifyWebhookPayload.event(from: Array(body.utf8)) == event)
    }
}
