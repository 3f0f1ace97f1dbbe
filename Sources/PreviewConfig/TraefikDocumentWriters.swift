/// Receives the preview document as a tree of keyed objects, lists and scalars, in the order it is written.
///
/// The document's shape is fixed and every key and value comes from a validated identifier or setting, so the
/// writers below emit bytes directly instead of going through `Encodable` (at 10,000 projects × 10 slots a
/// generic encoder spent most of a render boxing values).
protocol TraefikDocumentSink {
    /// Opens an object, under `key` inside an object or as the next item of a list.
    mutating func openObject(_ key: String?)
    /// Opens a list under `key`.
    mutating func openList(_ key: String)
    /// Closes the innermost object or list.
    mutating func close()
    /// A string, under `key` or as the next item of a list.
    mutating func string(_ key: String?, _ value: String)
    /// A boolean or integer written as is.
    mutating func literal(_ key: String, _ value: String)
    /// Closes the document (the top-level object is open from the start); then ``bytes`` are complete.
    mutating func finish()
    /// The document's bytes.
    var bytes: [UInt8] { get }
}

/// Compact JSON, keys in the order given (the emitter gives them sorted by UTF-8 bytes).
struct JSONDocumentSink: TraefikDocumentSink {
    private(set) var bytes: [UInt8] = []
    /// Per open container: the byte that closes it and whether it has a member yet.
    private var open: [(closer: UInt8, filled: Bool)] = []

    init(capacity: Int) {
        self.bytes.reserveCapacity(capacity)
        self.openObject(nil)
    }

    mutating func finish() {
        self.close()
        self.bytes.append(UInt8(ascii: "\n"))
    }

    mutating func openObject(_ key: String?) {
        self.member(key)
        self.bytes.append(UInt8(ascii: "{"))
        self.open.append((UInt8(ascii: "}"), false))
    }

    mutating func openList(_ key: String) {
        self.member(key)
        self.bytes.append(UInt8(ascii: "["))
        self.open.append((UInt8(ascii: "]"), false))
    }

    mutating func close() {
        self.bytes.append(self.open.removeLast().closer)
    }

    mutating func string(_ key: String?, _ value: String) {
        self.member(key)
        Self.quote(value, into: &self.bytes)
    }

    mutating func literal(_ key: String, _ value: String) {
        self.member(key)
        self.bytes.append(contentsOf: value.utf8)
    }

    private mutating func member(_ key: String?) {
        if let last = self.open.indices.last {
            if self.open[last].filled { self.bytes.append(UInt8(ascii: ",")) }
            self.open[last].filled = true
        }
        if let key {
            Self.quote(key, into: &self.bytes)
            self.bytes.append(UInt8(ascii: ":"))
        }
    }

    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\u00xx` (none occur in valid inputs).
    static func quote(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            // What valid inputs always are: copied in one go.
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// Block-style YAML: two spaces per level, list items indented under their key, every string single-quoted (so
/// no value can read as a number, boolean or YAML syntax); what `yamllint`'s default rules accept.
struct YAMLDocumentSink: TraefikDocumentSink {
    private(set) var bytes: [UInt8] = []
    /// Per open container: its indentation and whether it is a list.
    private var open: [(indent: Int, isList: Bool)] = [(0, false)]
    /// Where the document's content starts (after the header).
    private let contentStart: Int
    /// Set after `- ` was written for a list item that is an object: its first key goes on the same line.
    private var itemOpened = false

    init(capacity: Int, header: String) {
        self.bytes.reserveCapacity(capacity)
        self.bytes.append(contentsOf: header.utf8)
        self.bytes.append(contentsOf: "---\n".utf8)
        self.contentStart = self.bytes.count
    }

    mutating func finish() {
        if self.bytes.count == self.contentStart { self.bytes.append(contentsOf: "{}\n".utf8) }
    }

    mutating func openObject(_ key: String?) {
        let indent = self.startLine(key: key)
        if key != nil { self.bytes.append(UInt8(ascii: "\n")) } else { self.itemOpened = true }
        self.open.append((indent + 2, false))
    }

    mutating func openList(_ key: String) {
        let indent = self.startLine(key: key)
        self.bytes.append(UInt8(ascii: "\n"))
        self.open.append((indent + 2, true))
    }

    mutating func close() {
        self.open.removeLast()
    }

    mutating func string(_ key: String?, _ value: String) {
        _ = self.startLine(key: key)
        if key != nil { self.bytes.append(UInt8(ascii: " ")) }
        Self.quote(value, into: &self.bytes)
        self.bytes.append(UInt8(ascii: "\n"))
    }

    mutating func literal(_ key: String, _ value: String) {
        _ = self.startLine(key: key)
        self.bytes.append(UInt8(ascii: " "))
        self.bytes.append(contentsOf: value.utf8)
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes the indentation and `key:` (or `- ` for a list item); returns the line's indentation.
    private mutating func startLine(key: String?) -> Int {
        let indent = self.open.last?.indent ?? 0
        if self.itemOpened {
            self.itemOpened = false  // the first key of a list item's object follows its `- `
        } else {
            self.bytes.append(contentsOf: Self.spaces[..<indent])
            if self.open.last?.isList == true { self.bytes.append(contentsOf: "- ".utf8) }
        }
        if let key {
            self.bytes.append(contentsOf: key.utf8)
            self.bytes.append(UInt8(ascii: ":"))
        }
        return indent
    }

    /// Enough spaces for the deepest line (the emitter nests five levels).
    static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// `text` single-quoted: a quote is doubled (none occur in valid inputs, so the text is copied in one go).
    static func quote(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "'"))
        if text.utf8.contains(UInt8(ascii: "'")) {
            for byte in text.utf8 {
                output.append(byte)
                if byte == UInt8(ascii: "'") { output.append(byte) }
            }
        } else {
            output.append(contentsOf: text.utf8)
        }
        output.append(UInt8(ascii: "'"))
    }
}
