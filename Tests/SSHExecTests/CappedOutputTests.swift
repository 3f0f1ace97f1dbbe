import GatewayCore
@testable import SSHExec
import Testing

@Suite("Output cap and remote command lines")
struct CappedOutputTests {
    @Test("under the cap everything is kept; past it head and tail with a marker", arguments: [1, 2, 7, 64])
    func cap(chunk: Int) {
        let input = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        var output = CappedOutput(cap: 100)
        for start in stride(from: 0, to: input.count, by: chunk) {
            input[start..<min(start + chunk, input.count)].withUnsafeBytes { output.append($0) }
        }
        #expect(output.truncated)
        let bytes = output.bytes
        #expect(Array(bytes.prefix(50)) == Array(input.prefix(50)))
        #expect(Array(bytes.suffix(50)) == Array(input.suffix(50)))
        #expect(String(decoding: bytes.dropFirst(50).dropLast(50), as: UTF8.self).contains("900 bytes omitted"))

        var small = CappedOutput(cap: 100)
        input.prefix(100).withUnsafeBytes { small.append($0) }
        #expect(!small.truncated)
        #expect(small.bytes == Array(input.prefix(100)))
    }

    @Test("every word of the docker exec line is quoted for the host's shell")
    func execLine() {
        let request = ExecRequest(command: "echo $A 'q'", cwd: "/workspace/it's", env: ["B": "x y", "A": "$(id)"],
                                  stdin: [1], timeout: .milliseconds(1500))
        #expect(RemoteCommand.exec(request, container: "vibn-dev-abc") == """
            'docker' 'exec' '-i' '-u' 'vibn' '-w' '/workspace/it'\\''s' '-e' 'A=$(id)' '-e' 'B=x y' 'vibn-dev-abc' \
            'timeout' '-k' '2s' '1.500' 'sh' '-c' 'echo $A '\\''q'\\'''
            """)
        #expect(RemoteCommand.findContainer(ServiceUUID(trusted: "abc"))
            == "'docker' 'ps' '--filter' 'name=^vibn-dev-abc$' '--format' '{{.Names}}'")
    }
}
