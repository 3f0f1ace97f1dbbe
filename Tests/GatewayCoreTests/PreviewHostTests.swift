import GatewayCore
import Testing

/// Preview hosts fit real DNS: one label of at most 63 characters under the domain base, for every valid slug.
@Suite("Preview hosts")
struct PreviewHostTests {
    static let routing = PreviewRouting.defaults

    /// RFC 1035/1123: 1–63 characters of `a-z0-9-`, starting with a letter, ending with a letter or digit.
    static func isDNSLabel(_ label: Substring) -> Bool {
        guard (1...63).contains(label.count), let first = label.first, let last = label.last else { return false }
        return first.isLetter && (last.isLetter || last.isNumber)
            && label.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    @Test("every slug length from 1 to 40 gives one valid label under the domain, holding the slot, the whole token and the slug's start",
          arguments: [1, 2, 26, 33, 34, 39, 40])
    func labels(length: Int) throws {
        // A 40-character slug whose cut falls on a `-`, and plain ones.
        let raw = String(String(repeating: "ab-", count: 14).prefix(length))
        let slug = try ProjectSlug(validating: raw.hasSuffix("-") ? String(raw.dropLast()) + "c" : raw)
        for number in PreviewPort.range {
            let port = try PreviewPort(validating: number)
            let token = PreviewToken.random()
            let host = Self.routing.host(slug: slug, token: token, port: port)
            #expect(host.hasSuffix(".preview.vibnai.com"))
            let label = try #require(host.split(separator: ".").first)
            #expect(host.split(separator: ".").count == 4)
            #expect(Self.isDNSLabel(label), "\(label)")
            #expect(label.hasPrefix("p\(port.slot)-\(slug.rawValue.prefix(min(slug.rawValue.count, 33)).trimmingSuffix("-"))-"))
            #expect(label.hasSuffix("-" + token.base32))
            #expect(Self.routing.routeName(slug: slug, token: token, port: port) == String(label))
            let parsed = try #require(Self.routing.preview(ofHost: host))
            #expect(parsed.slot == port.slot && parsed.token == token)
        }
    }

    @Test("the token's base32 is 26 characters of a-z2-7 and decodes back; stored hex tokens stay valid")
    func base32() throws {
        let known = PreviewToken(trusted: "0123456789abcdef0123456789abcdef")
        #expect(known.base32 == "aerukz4jvpg66ajdivtytk6n54")
        #expect(PreviewToken(base32: "aerukz4jvpg66ajdivtytk6n54") == known)
        for _ in 0..<200 {
            let token = PreviewToken.random()
            #expect(token.base32.count == 26)
            #expect(PreviewToken(base32: token.base32) == token)
        }
        // Not a token: wrong length, letters outside the alphabet, the unused low bits set.
        for text in ["", "aerukz4jvpg66ajdivtytk6n5", "aerukz4jvpg66ajdivtytk6n541", "aerukz4jvpg66ajdivtytk6n58", "aerukz4jvpg66ajdivtytk6n55"] {
            #expect(PreviewToken(base32: text) == nil, "\(text)")
        }
    }

    @Test("a host that is not a preview host of this domain names no project")
    func foreignHosts() {
        let token = PreviewToken(trusted: "0123456789abcdef0123456789abcdef")
        let valid = "p3-shop-\(token.base32).preview.vibnai.com"
        #expect(Self.routing.preview(ofHost: valid)?.slot == 3)
        #expect(Self.routing.preview(ofHost: valid.uppercased() + ":443")?.token == token)
        for host in [
            "preview.vibnai.com", "x.preview.vibnai.com", "p3-shop-\(token.base32).evil.com",
            "a.p3-shop-\(token.base32).preview.vibnai.com", "p3-shop-\(token.base32).preview.vibnai.com.evil.com",
            "px-shop-\(token.base32).preview.vibnai.com", "p3-sh_p-\(token.base32).preview.vibnai.com",
            "p3-\(token.base32).preview.vibnai.com", "p3-shop\(token.base32).preview.vibnai.com", "",
        ] {
            #expect(Self.routing.preview(ofHost: host) == nil, "\(host)")
        }
    }
}

extension Substring {
    func trimmingSuffix(_ character: Character) -> Substring {
        var text = self
        while text.last == character { text = text.dropLast() }
        return text
    }
}
