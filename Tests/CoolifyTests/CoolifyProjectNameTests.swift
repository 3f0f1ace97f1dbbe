@testable import Coolify
import GatewayCore
import Testing

@Suite("Coolify project names per gateway project")
struct CoolifyProjectNameTests {
    static func name(_ workspace: String, _ project: String) throws -> String {
        CoolifyOrchestrator.projectName(ServiceIdentity(
            project: try ProjectID(validating: project), workspace: try WorkspaceSlug(validating: workspace),
            projectSlug: try ProjectSlug(validating: "app")
        ))
    }

    @Test("pairs that read alike with '-' get different names; the workspace ends at the first '_'")
    func unambiguous() throws {
        // With `vibn-{workspace}-{project}` both of these were `vibn-a-b-c`.
        #expect(try Self.name("a-b", "c") != Self.name("a", "b-c"))
        #expect(try Self.name("a-b", "c") == "vibn_a-b_c")
        #expect(try Self.name("a", "b_c") == "vibn_a_b_c")
        #expect(try Self.name("a", "b_c") != Self.name("a-b", "c"))
        let pairs = [("a", "b-c"), ("a-b", "c"), ("a", "b_c"), ("a-b-c", "d"), ("a", "b-c-d"), ("a-b", "c-d")]
        #expect(Set(try pairs.map { try Self.name($0.0, $0.1) }).count == pairs.count)
    }
}
