import Foundation
import GatewayCore
import GatewayHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("GET · PUT · DELETE …/files through SSHExec and a real sshd")
struct FilesRouteTests {
    static func uri(_ path: String) -> String {
        ExecFixture.projectPath + "/files?path=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path)
    }

    @Test("PUT writes binary bytes atomically, GET returns them, DELETE removes the file")
    func roundTrip() async throws {
        let fixture = try await ExecFixture.make()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await fixture.test { client in
            try await client.execute(uri: Self.uri("/workspace/src/deep/blob.bin"), method: .put,
                                     headers: TestApp.authorized, body: ByteBuffer(bytes: bytes)) { response in
                #expect(response.status == .noContent)
            }
            let onDisk = try Data(contentsOf: fixture.workspace.appendingPathComponent("src/deep/blob.bin"))
            #expect(Array(onDisk) == bytes)
            // No temporary file is left beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.appendingPathComponent("src/deep").path) == ["blob.bin"])
            try await client.execute(uri: Self.uri("src/deep/blob.bin"), method: .get, headers: TestApp.authorized) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == bytes)
                #expect(response.headers[.contentType] == "application/octet-stream")
            }
            try await client.execute(uri: Self.uri("/workspace/src/deep/blob.bin"), method: .delete, headers: TestApp.authorized) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: Self.uri("/workspace/src/deep/blob.bin"), method: .get, headers: TestApp.authorized) { response throws in
                #expect(response.status == .notFound)
                #expect(try response.errorBody().error.code == "file_not_found")
            }
        }
    }

    @Test("a PUT below a file is 409 not_a_directory (a client's conflict, not a gateway failure)")
    func parentIsAFile() async throws {
        let fixture = try await ExecFixture.make()
        try await fixture.test { client in
            try await client.execute(uri: Self.uri("/workspace/plain"), method: .put, headers: TestApp.authorized,
                                     body: ByteBuffer(string: "x")) { response in #expect(response.status == .noContent) }
            try await client.execute(uri: Self.uri("/workspace/plain/below/file"), method: .put, headers: TestApp.authorized,
                                     body: ByteBuffer(string: "y")) { response throws in
                #expect(response.status == .conflict)
                #expect(try response.errorBody().error.code == "not_a_directory")
            }
        }
    }

    @Test("paths outside /workspace are refused with 400", arguments: [
        "/workspace/../etc/passwd", "/etc/passwd", "/workspace", "/workspace/a/../../etc", "/workspace/x\u{0}y", "", "/workspacex/a",
    ])
    func traversal(path: String) async throws {
        let fixture = try await ExecFixture.make()
        try await fixture.test { client in
            for method in [HTTPRequest.Method.get, .put, .delete] {
                try await client.execute(uri: Self.uri(path), method: method, headers: TestApp.authorized,
                                         body: ByteBuffer(string: "x")) { response throws in
                    #expect(response.status == .badRequest)
                    #expect(try response.errorBody().error.code == "invalid_path")
                }
            }
        }
    }

    @Test("symlinks that lead out of /workspace are refused with 400")
    func symlinkEscape() async throws {
        let fixture = try await ExecFixture.make()
        let files = FileManager.default
        try files.createSymbolicLink(atPath: fixture.workspace.appendingPathComponent("etc").path, withDestinationPath: "/etc")
        try files.createSymbolicLink(atPath: fixture.workspace.appendingPathComponent("host").path, withDestinationPath: "/etc/hostname")
        try await fixture.test { client in
            for (method, path) in [(HTTPRequest.Method.get, "/workspace/etc/hostname"), (.get, "/workspace/host"),
                                   (.put, "/workspace/etc/vibn-test"), (.put, "/workspace/host"), (.delete, "/workspace/etc/hostname")] {
                try await client.execute(uri: Self.uri(path), method: method, headers: TestApp.authorized,
                                         body: ByteBuffer(string: "x")) { response throws in
                    #expect(response.status == .badRequest, "\(method) \(path)")
                    #expect(try response.errorBody().error.code == "path_outside_workspace")
                }
            }
            // Deleting the link itself is fine: the target is untouched.
            try await client.execute(uri: Self.uri("/workspace/host"), method: .delete, headers: TestApp.authorized) { response in
                #expect(response.status == .noContent)
            }
        }
        #expect(files.fileExists(atPath: "/etc/hostname"))
        #expect(!files.fileExists(atPath: "/etc/vibn-test"))
    }

    @Test("GET past the 16 MiB cap is 413; a directory is 400 not_a_file")
    func limits() async throws {
        let fixture = try await ExecFixture.make()
        let big = fixture.workspace.appendingPathComponent("big")
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(BodyLimits.files + 1))
        try handle.close()
        try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent("dir"), withIntermediateDirectories: true)
        try await fixture.test { client in
            try await client.execute(uri: Self.uri("/workspace/big"), method: .get, headers: TestApp.authorized) { response throws in
                #expect(response.status == .contentTooLarge)
                #expect(try response.errorBody().error.code == "file_too_large")
            }
            try await client.execute(uri: Self.uri("/workspace/dir"), method: .get, headers: TestApp.authorized) { response throws in
                #expect(response.status == .conflict)
                #expect(try response.errorBody().error.code == "not_a_file")
            }
        }
    }
}
