import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP listener that either relays each connection to a real server (so a test can cut every
/// connection at once, as a database restart does) or accepts and never answers (a server that hangs).
public final class TCPRelay: Sendable {
    public enum Mode: Sendable {
        /// Relay to `127.0.0.1:port`.
        case forward(port: Int)
        /// Accept, read and never answer.
        case blackHole
    }

    public let port: Int
    private let listener: Int32
    private let mode: Mode
    private let sockets = Mutex<Set<Int32>>([])
    private let stopped = Mutex(false)

    /// Starts listening on a free loopback port.
    public init(_ mode: Mode) throws {
        self.mode = mode
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 64) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { throw RawHTTPError("the relay cannot listen: errno \(errno)") }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in self.acceptLoop() }.start()
    }

    /// Closes every relayed connection (new ones are still accepted).
    public func cut() {
        for fd in self.sockets.withLock({ sockets in defer { sockets.removeAll() }; return sockets }) {
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    /// Stops listening and closes every connection; later calls do nothing. The accepting thread closes the
    /// listener once its `accept` fails, so the descriptor is never closed twice (nor one that was reused meanwhile).
    public func stop() {
        guard self.stopped.withLock({ stopped in defer { stopped = true }; return !stopped }) else { return }
        shutdown(self.listener, Int32(SHUT_RDWR))
        self.cut()
    }

    // MARK: - Relaying

    private func acceptLoop() {
        while true {
            let client = accept(self.listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                close(self.listener)
                return
            }
            self.sockets.withLock { _ = $0.insert(client) }
            switch self.mode {
            case .blackHole:
                Thread { [self] in self.pump(from: client, to: nil) }.start()
            case .forward(let port):
                guard let server = try? RawHTTPConnection.connectedSocket(port: port) else {
                    self.sockets.withLock { _ = $0.remove(client) }
                    close(client)
                    continue
                }
                self.sockets.withLock { _ = $0.insert(server) }
                Thread { [self] in self.pump(from: client, to: server) }.start()
                Thread { [self] in self.pump(from: server, to: client) }.start()
            }
        }
    }

    /// Copies bytes until either side ends (or discards them when `destination` is nil), then closes both.
    private func pump(from source: Int32, to destination: Int32?) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            guard let destination else { continue }
            let sent = buffer.withUnsafeBytes { send(destination, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
            guard sent == count else { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        if let destination { shutdown(destination, Int32(SHUT_RDWR)) }
    }
}
