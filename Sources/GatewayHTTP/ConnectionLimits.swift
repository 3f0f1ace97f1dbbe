import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// How long a client may keep a connection without using it, and how long one request may take to arrive,
/// so that slow or idle clients cannot hold the server's sockets (`GATEWAY_IDLE_TIMEOUT`, `GATEWAY_REQUEST_READ_TIMEOUT`).
public struct ConnectionLimits: Sendable {
    /// A connection on which nothing arrives for this long is closed: idle keep-alive connections, and request
    /// heads that trickle in (a head counts only once it is whole).
    public var idleTimeout: Duration
    /// A request whose body has not arrived whole this long after its head is cut off, however steadily it trickles.
    public var requestReadTimeout: Duration

    public static let defaults = ConnectionLimits(idleTimeout: .seconds(30), requestReadTimeout: .seconds(60))

    public init(idleTimeout: Duration, requestReadTimeout: Duration) {
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
    }

    /// The HTTP/1.1 server with these limits.
    var server: HTTPServerBuilder {
        let readTimeout = TimeAmount(self.requestReadTimeout)
        return .http1(configuration: .init(
            additionalChannelHandlers: [RequestReadDeadlineHandler(limit: readTimeout)],
            idleTimeout: TimeAmount(self.idleTimeout)
        ))
    }
}

/// Closes the connection when a request's `.end` has not arrived within `limit` of its head.
final class RequestReadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.deadline?.cancel()
            self.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: self.limit) {
                context.close(promise: nil)
            }
        case .body:
            break
        case .end:
            self.deadline?.cancel()
            self.deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }
}
