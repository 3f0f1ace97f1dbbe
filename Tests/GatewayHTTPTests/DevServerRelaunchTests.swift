import Foundation
import GatewayCore
import GatewayTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// A resumed container gets its dev servers back: the store queues their relaunch with the resume, so a gateway
/// that crashed in between (or another replica) still does it.
@Suite("Dev servers: relaunch after a resume")
struct DevServerRelaunchTests {
    @Test("after a resume, a server whose processes died is relaunched, once its container exists, and runs again")
    func restartAfterResume() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.testObserved { client, store in
                try await fixture.withRunningServer(client, port: 3004) { first in
                    // The container goes away (its processes die); like Coolify's start, the row is `running` again
                    // two seconds before the container exists, so the first relaunch attempts find no container.
                    DevServerFixture.killGroups(of: [first.id])
                    #expect(try await ProcessTable.waitUntilGone(["VIBN_DEV_SERVER_ID=\(first.id)"]))
                    let container = URL(fileURLWithPath: fixture.exec.peer.dockerRoot).appendingPathComponent("vibn-dev-\(fixture.exec.service)")
                    let away = container.deletingLastPathComponent().appendingPathComponent(".away-\(fixture.exec.service)")
                    try FileManager.default.moveItem(at: container, to: away)
                    let now = Date()
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .running, to: .suspended, at: now))
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .suspended, to: .running, at: now))
                    try await Task.sleep(for: .seconds(2))
                    try FileManager.default.moveItem(at: away, to: container)

                    let back = try await fixture.waitFor(first.id) { $0.pid != first.pid && $0.state == .running }
                    #expect(back.state == .running)
                    #expect(back.pid != first.pid)
                    #expect(DevServerFixture.isRunning(try #require(back.pid)))
                }
            }
        }
    }

    @Test("after a resume, a server whose container never comes back is marked stopped, so no route points at nothing")
    func resumeWithoutContainer() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.testObserved(readinessLimit: .seconds(3)) { client, store in
                try await fixture.withRunningServer(client, port: 3003) { first in
                    DevServerFixture.killGroups(of: [first.id])
                    try fixture.exec.peer.removeContainer(fixture.exec.service)
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .running, to: .suspended, at: Date()))
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .suspended, to: .running, at: Date()))
                    let after = try await fixture.waitFor(first.id) { $0.state != .running }
                    #expect(after.state == .stopped)
                    #expect(try await fixture.store.livePreviews().isEmpty)
                }
            }
        }
    }

    @Test("after a resume, a server whose group is still alive and ours is left alone")
    func resumeLeavesLiveServer() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.testObserved { client, store in
                try await fixture.withRunningServer(client, port: 3005) { first in
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .running, to: .suspended, at: Date()))
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .suspended, to: .running, at: Date()))
                    try await eventually("the relaunch queue worked off") {
                        try await fixture.store.devServersAwaitingRelaunch(project: fixture.project, limit: 10).isEmpty
                    }
                    #expect(try await fixture.store.devServer(first.id, project: fixture.project) == first)
                }
            }
        }
    }

    @Test("a relaunch queued by a gateway that died before doing it is done by the next one (the store is the queue)")
    func relaunchSurvivesACrash() async throws {
        let fixture = try await DevServerFixture.make()
        try await PreviewPortLock.withLock {
            try await fixture.testObserved { client, _ in
                try await fixture.withRunningServer(client, port: 3007) { first in
                    DevServerFixture.killGroups(of: [first.id])
                    #expect(try await ProcessTable.waitUntilGone(["VIBN_DEV_SERVER_ID=\(first.id)"]))
                    // What a replica killed right after committing a resume leaves behind: the row running again and
                    // the relaunch queued, and no one told (the store itself, unobserved, made the change).
                    let store = fixture.store
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .running, to: .suspended, at: Date()))
                    _ = try #require(try await store.transitionContainer(fixture.project, from: .suspended, to: .running, at: Date()))
                    try await store.markDevServersForRelaunch(project: fixture.project)

                    let back = try await fixture.waitFor(first.id) { $0.pid != first.pid && $0.state == .running }
                    #expect(back.pid != first.pid)
                    #expect(DevServerFixture.isRunning(try #require(back.pid)))
                    #expect(try await store.devServersAwaitingRelaunch(project: fixture.project, limit: 10).isEmpty)
                }
            }
        }
    }
}
