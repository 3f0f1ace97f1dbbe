import Foundation
import Hummingbird
import NIOCore

/// Every JSON request body is decoded here, with Foundation's `JSONDecoder` directly: its `DecodingError`s reach
/// ``ErrorMiddleware``, which answers 400 `invalid_<field>` naming the field (openapi.yaml). Hummingbird's
/// `Request.decode` would turn them into a generic `bad_request` first.
enum JSONBody {
    /// Decodes `bytes` as `type`; an empty body is `ifEmpty` when one is given (routes whose every field is optional).
    static func decode<T: Decodable>(_ type: T.Type, from bytes: ByteBuffer, ifEmpty: T? = nil) throws -> T {
        if bytes.readableBytes == 0, let ifEmpty { return ifEmpty }
        return try JSONDecoder().decode(type, from: Data(bytes.readableBytesView))
    }
}

extension Request {
    /// Reads the body (up to the context's limit, else 413) and decodes it with ``JSONBody/decode(_:from:ifEmpty:)``.
    func decodeJSON<T: Decodable>(as type: T.Type, context: some RequestContext, ifEmpty: T? = nil) async throws -> T {
        try JSONBody.decode(type, from: try await self.body.collect(upTo: context.maxUploadSize), ifEmpty: ifEmpty)
    }
}
