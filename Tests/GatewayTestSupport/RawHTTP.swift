import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 over a plain loopback socket, byte for byte as written: no client normalises the path (`//v1/…`,
/// `/./v1/…` and percent-encoding reach the server as sent), and a connection can be held open, idle or trickling.
public final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`; reads give up after `readTimeout`.
    public init(port: Int, readTimeout: Duration = .seconds(10)) throws {
        self.fd = try Self.connectedSocket(port: port)
        var timeout = timeval(tv_sec: Int(readTimeout.components.seconds), tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A TCP socket connected to `127.0.0.1:port`.
    static func connectedSocket(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw RawHTTPError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return fd
    }

    deinit { close(self.fd) }

    /// Writes `bytes` (all of them, or throws when the peer has closed).
    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawHTTPError("send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws { try self.write(Array(text.utf8)) }

    /// Reads, on a thread of its own, until the peer closes (or resets) the connection or the read timeout passes;
    /// returns what arrived and whether the peer ended the connection.
    public func readUntilClosed() async -> (bytes: [UInt8], closed: Bool) {
        await Self.onOwnThread { self.blockingReadUntilClosed() }
    }

    private func blockingReadUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { received += buffer[..<count]; continue }
            if count < 0, errno == EINTR { continue }
            // A server that closes with unread bytes in its buffer resets the connection instead of a FIN.
            return (received, count == 0 || errno == ECONNRESET)
        }
    }

    /// ``readResponse(toHEAD:)`` on a thread of its own (see ``exchange(port:method:target:headers:body:)``).
    public func response() async throws -> RawHTTPResponse {
        try await Self.onOwnThread { Result { try self.readResponse() } }.get()
    }

    /// Reads one response's head and, by its `Content-Length`, its body (none for a `HEAD` request).
    public func readResponse(toHEAD isHEAD: Bool = false) throws -> RawHTTPResponse {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let response = RawHTTPResponse(parsing: received, bodyless: isHEAD) { return response }
            let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                throw RawHTTPError("the connection ended before a whole response (\(received.count) bytes: \(String(decoding: received.prefix(200), as: UTF8.self)))")
            }
            received += buffer[..<count]
        }
    }

    /// Sends one request and reads its response on a new connection (`Connection: close`), on a thread of its own:
    /// the blocking socket calls must not hold one of the few threads a server in this process needs to answer.
    public static func exchange(
        port: Int, method: String, target: String, headers: [String] = [], body: String = ""
    ) async throws -> RawHTTPResponse {
        try await self.onOwnThread {
            Result { try self.blockingExchange(port: port, method: method, target: target, headers: headers, body: body) }
        }.get()
    }

    /// Runs blocking socket work on a thread of its own, never on one of the few threads of Swift's cooperative pool.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    /// ``exchange(port:method:target:headers:body:)`` on the calling thread.
    static func blockingExchange(port: Int, method: String, target: String, headers: [String], body: String) throws -> RawHTTPResponse {
        let connection = try RawHTTPConnection(port: port)
        var lines = ["\(method) \(target) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"] + headers
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { lines.append("Content-Length: \(body.utf8.count)") }
        try connection.write(lines.joined(separator: "\r\n") + "\r\n\r\n" + body)
        return try connection.readResponse(toHEAD: method == "HEAD")
    }
}

/// A response as read off the socket.
public struct RawHTTPResponse: Sendable {
    public let status: Int
    /// Header lines, names lower-cased.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? {
        self.headers.first { $0.name == name.lowercased() }?.value
    }

    /// A whole response at the start of `bytes`, or nil while more is needed.
    init?(parsing bytes: [UInt8], bodyless: Bool) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1])
        else { return nil }
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = bodyless ? 0 : headers.first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
        let bodyStart = end + separator.count
        guard bytes.count >= bodyStart + length else { return nil }
        self.status = status
        self.headers = headers
        self.body = Array(bytes[bodyStart..<(bodyStart + length)])
    }
}

/// A raw socket operation that failed.
public struct RawHTTPError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
