import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

/// `GET /status`: who may see it, and that what it shows from the store is escaped.
@Suite("GET /status")
struct StatusPageTests {
    static let password = "status-password-0123"

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    @Test("Basic authentication with the API token or VIBN_STATUS_PASSWORD opens it; nothing else does")
    func authentication() async throws {
        let app = try await TestApp.make()
        try await app.test(configure: { $0.statusPassword = Self.password }) { client throws in
            for headers: HTTPFields in [
                [:], TestApp.authorized, Self.basic("ops", "wrong"), Self.basic("ops", Self.password + "x"),
                [.authorization: "Basic not-base64!"], [.authorization: "Basic " + Data(Self.password.utf8).base64EncodedString()],
            ] {
                let refused = try await client.execute(uri: "/status", method: .get, headers: headers)
                #expect(refused.status == .unauthorized, "\(headers)")
                #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
            }
            for headers in [Self.basic("ops", Self.password), Self.basic("", TestApp.token)] {
                let page = try await client.execute(uri: "/status", method: .get, headers: headers)
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.hasPrefix("default-src 'none'") == true)
                #expect(String(buffer: page.body).hasPrefix("<!doctype html>"))
            }
            #expect(try await client.execute(uri: "/status", method: .post, headers: Self.basic("ops", Self.password)).status == .methodNotAllowed)
        }
    }

    @Test("shows containers by state, live previews, dev servers and delivery errors, every stored value escaped")
    func content() async throws {
        let app = try await TestApp.make()
        let now = Date()
        let running = ProjectID(trusted: "proj_status_run")
        for (project, slug) in [(running, "shop"), (ProjectID(trusted: "proj_status_zzz"), "blog")] {
            _ = try await app.store.reserveContainer(
                ContainerReservation(projectID: project, workspace: WorkspaceSlug(trusted: "acme"), projectSlug: ProjectSlug(trusted: slug), image: "vibn-dev:latest"),
                at: now
            )
            _ = try await app.store.recordServiceUUID(ServiceUUID(trusted: "svc\(slug)"), for: project)
            _ = try await app.store.transitionContainer(project, from: .provisioning, to: .running, at: now)
        }
        _ = try await app.store.transitionContainer(ProjectID(trusted: "proj_status_zzz"), from: .running, to: .suspended, at: now)
        try await app.store.insertDevServer(DevServerRecord(
            id: .random(), projectID: running, workspace: WorkspaceSlug(trusted: "acme"), name: "web",
            command: "npm run dev -- --title '<script>alert(1)</script>'", port: try PreviewPort(validating: 3000), pid: 7,
            previewURL: "https://example.test", state: .running, startedAt: now, stoppedAt: nil
        ))
        let event = OutboundEvent(type: .autosavePushed, body: "{}", createdAt: now)
        try await app.store.enqueueEvent(event)
        try await app.store.recordFailedAttempt(event.id, error: #"HTTP 500: <img src=x onerror="alert(2)">"#, nextAttemptAt: now + 60)
        let token = try #require(try await app.store.container(running)?.previewToken)
        let previewURL = GatewaySettings.testing().previewRouting.previewURL(slug: ProjectSlug(trusted: "shop"), token: token, port: try PreviewPort(validating: 3000))

        try await app.test { client throws in
            let page = String(buffer: try await client.execute(uri: "/status", method: .get, headers: Self.basic("ops", TestApp.token)).body)
            for expected in [
                "Running containers (1)", "proj_status_run", "Suspended containers (1)", "proj_status_zzz",
                "Live previews (1)", "href=\"\(previewURL)\"", "&lt;script&gt;alert(1)&lt;/script&gt;",
                "HTTP 500: &lt;img src=x onerror=&quot;alert(2)&quot;&gt;", "events to deliver", "Chat turns per minute",
                "Servers (1)", "<tr><td>default</td><td>1</td><td>unlimited</td><td>takes new containers</td></tr>",
            ] {
                #expect(page.contains(expected), "missing \(expected)")
            }
            #expect(!page.contains("<script") && !page.contains("<img"), "unescaped markup")
            #expect(page.components(separatedBy: "<svg").count == 3, "two charts")
            #expect(!page.contains("id=\"doctor\""), "no doctor without one configured")
        }
    }
}
