/// The first label of a preview host, `p{slot}-{slug…}-{token}`: one DNS label of at most 63 characters for every
/// valid slug (RFC 1035/1123: `[a-z0-9-]`, starting and ending with a letter or digit), so the host resolves and the
/// wildcard certificate `*.{domain base}` covers it. It keeps the whole 128-bit token (26 characters of base32),
/// the slot, and as much of the slug as fits (readability only: the token alone tells projects apart).
public enum PreviewHostLabel {
    /// The longest DNS label.
    public static let maxLength = 63
    /// `p`, the slot digit and `-` before the slug; `-` and the 26-character token after it.
    static let fixedLength = 3 + 1 + PreviewToken.base32Length
    /// The most characters of the slug a label keeps.
    public static let maxSlugLength = maxLength - fixedLength

    /// The label of a project's preview slot.
    public static func label(slug: ProjectSlug, token: PreviewToken, port: PreviewPort) -> String {
        "p\(port.slot)-\(self.tail(slug: slug, token: token))"
    }

    /// What follows `p{slot}-` in each of a project's labels: `{slug…}-{token}`.
    public static func tail(slug: ProjectSlug, token: PreviewToken) -> String {
        var slug = Substring(slug.rawValue.prefix(self.maxSlugLength))
        // A cut slug may end with `-`: dropped, so the label reads `…-shop-token`, never `…-shop--token`.
        while slug.last == "-" { slug = slug.dropLast() }
        return "\(slug)-\(token.base32)"
    }

    /// The slot and token a label names, or nil when it is not a preview label.
    public static func parse(_ label: Substring) -> (slot: Int, token: PreviewToken)? {
        let bytes = Array(label.utf8)
        guard bytes.count >= self.fixedLength + 1, bytes.count <= self.maxLength,
              bytes[0] == UInt8(ascii: "p"), bytes[2] == UInt8(ascii: "-"),
              let slot = Int(String(decoding: bytes[1...1], as: UTF8.self)),
              bytes[bytes.count - PreviewToken.base32Length - 1] == UInt8(ascii: "-"),
              bytes[3..<(bytes.count - PreviewToken.base32Length - 1)].allSatisfy({ ASCII.isLowerAlnum($0) || $0 == UInt8(ascii: "-") }),
              let token = PreviewToken(base32: String(decoding: bytes.suffix(PreviewToken.base32Length), as: UTF8.self))
        else { return nil }
        return (slot, token)
    }
}

extension PreviewToken {
    /// The length of ``base32``: 128 bits in 5-bit characters.
    public static let base32Length = 26
    static let base32Alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// The token's 16 bytes in lower-case RFC 4648 base32 without padding (26 characters), as preview hosts carry it.
    public var base32: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var index = self.rawValue.utf8.startIndex
        let utf8 = self.rawValue.utf8
        while index != utf8.endIndex {
            let high = ASCII.hexValue(utf8[index])
            index = utf8.index(after: index)
            bytes.append(high << 4 | ASCII.hexValue(utf8[index]))
            index = utf8.index(after: index)
        }
        var out: [UInt8] = []
        out.reserveCapacity(Self.base32Length)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(Self.base32Alphabet[Int(buffer >> UInt32(bits) & 0x1F)])
            }
        }
        if bits > 0 { out.append(Self.base32Alphabet[Int(buffer << UInt32(5 - bits) & 0x1F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The token whose ``base32`` is `text`; nil unless `text` is exactly that (26 characters of `a-z2-7`, the last
    /// one's unused low bits zero), so every token has one label.
    public init?(base32 text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == Self.base32Length else { return nil }
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in utf8 {
            guard let value = Self.base32Alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(buffer >> UInt32(bits) & 0xFF))
            }
        }
        // 26 × 5 = 130 bits: the last 2 must be zero.
        guard bytes.count == 16, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        self.init(trusted: String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self))
    }
}
