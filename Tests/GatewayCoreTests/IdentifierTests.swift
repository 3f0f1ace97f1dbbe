import Foundation
import GatewayCore
import Testing

@Suite("Identifiers")
struct IdentifierTests {
    static let hostileInputs = [
        "", "-abc", "abc-", "ABC", "a_b", "a.b", "a b", "a\nb", "a'b", "a\"b", "a`b", "a$b", "{{x}}", "a}b",
        "ａｂｃ", "аbc", "a;rm -rf /", "../etc", String(repeating: "a", count: 41),
    ]

    @Test("workspace and project slugs are lower-case DNS labels of at most 40 characters")
    func slugs() throws {
        for valid in ["a", "acme", "my-project-2", "0abc", String(repeating: "a", count: 40)] {
            #expect(try WorkspaceSlug(validating: valid).rawValue == valid)
            #expect(try ProjectSlug(validating: valid).rawValue == valid)
        }
        for invalid in Self.hostileInputs {
            #expect(throws: ValidationError.self, "\(invalid.debugDescription)") { try WorkspaceSlug(validating: invalid) }
            #expect(throws: ValidationError.self, "\(invalid.debugDescription)") { try ProjectSlug(validating: invalid) }
        }
    }

    @Test("the rejection names the field and the format")
    func errorNamesField() {
        #expect(throws: ValidationError(field: "workspace", message: "must be \(WorkspaceSlug.formatDescription)")) {
            try WorkspaceSlug(validating: "Bad!")
        }
        #expect(throws: ValidationError(field: "slug", message: "must be \(ProjectSlug.formatDescription)")) {
            try ProjectSlug(validating: "Bad!", field: "slug")
        }
    }

    @Test("project ids are [A-Za-z0-9_-]{1,64}")
    func projectIDs() throws {
        for valid in ["p", "proj_123-ABC", String(repeating: "Z", count: 64), "-leading", "_x_"] {
            #expect(try ProjectID(validating: valid).rawValue == valid)
        }
        for invalid in ["", "a b", "a/b", "a.b", "é", "a\u{0}b", "x$(id)", String(repeating: "a", count: 65)] {
            #expect(throws: ValidationError.self, "\(invalid.debugDescription)") { try ProjectID(validating: invalid) }
        }
    }

    @Test("service uuids accept Coolify's ids and dashed uuids, nothing that could break a name")
    func serviceUUIDs() throws {
        for valid in ["abc123xyz", "y0k8c4g4wg0ck8ksw4oks0gc", "9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b"] {
            #expect(try ServiceUUID(validating: valid).rawValue == valid)
        }
        for invalid in ["", "ABC", "a_b", "a b", "a;b", String(repeating: "a", count: 65)] {
            #expect(throws: ValidationError.self) { try ServiceUUID(validating: invalid) }
        }
    }

    @Test("dev-server ids are ds_ and 12 hex digits; random ones are well formed and distinct")
    func devServerIDs() throws {
        #expect(try DevServerID(validating: "ds_0123456789ab").rawValue == "ds_0123456789ab")
        for invalid in ["ds_0123456789a", "ds_0123456789abc", "ds_0123456789AB", "dx_0123456789ab", "ds_../../etc/p"] {
            #expect(throws: ValidationError.self) { try DevServerID(validating: invalid) }
        }
        let ids = (0..<1000).map { _ in DevServerID.random() }
        #expect(ids.allSatisfy { DevServerID.isValid($0.rawValue) })
        #expect(Set(ids).count == ids.count)
    }

    @Test("preview ports are 3000-3009 with slots 0-9")
    func previewPorts() throws {
        #expect(try PreviewPort(validating: 3000).slot == 0)
        #expect(try PreviewPort(validating: 3009).slot == 9)
        for invalid in [2999, 3010, 0, -1, 80, 65536] {
            #expect(throws: ValidationError.self) { try PreviewPort(validating: invalid) }
        }
    }

    @Test("decoding JSON validates and names the field")
    func decoding() throws {
        struct Body: Decodable { let slug: ProjectSlug; let port: PreviewPort }
        let good = try JSONDecoder().decode(Body.self, from: Data(#"{"slug":"app","port":3001}"#.utf8))
        #expect(good.slug.rawValue == "app")
        #expect(good.port.number == 3001)
        #expect(throws: ValidationError(field: "slug", message: "must be \(ProjectSlug.formatDescription)")) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"slug":"a\nb","port":3001}"#.utf8))
        }
        #expect(throws: ValidationError.self) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"slug":"app","port":8080}"#.utf8))
        }
    }
}
