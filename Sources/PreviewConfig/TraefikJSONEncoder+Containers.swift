/// The `Encoder` behind ``TraefikJSONEncoder``: records what a value encodes as a ``JSONNode``.
///
/// The primitive `encode` overloads the containers do not declare fall back to their generic `encode`, which
/// ``JSONNode/init(_:codingPath:)`` turns into strings, booleans and integers.
final class JSONTreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What has been encoded so far; nil encodes as `{}` (as JSONEncoder writes a value that encodes nothing).
    var node: JSONNode?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object) = self.node {
            return KeyedEncodingContainer(JSONObjectContainer(object: object, codingPath: self.codingPath))
        }
        let object = JSONObject()
        self.node = .object(object)
        return KeyedEncodingContainer(JSONObjectContainer(object: object, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array) = self.node {
            return JSONArrayContainer(array: array, codingPath: self.codingPath)
        }
        let array = JSONArray()
        self.node = .array(array)
        return JSONArrayContainer(array: array, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONValueContainer(encoder: self)
    }
}

// MARK: - Containers

/// Adds members to one object.
struct JSONObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        self.object.members.append((key.stringValue, .literal("null")))
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        self.object.members.append((key.stringValue, .string(value)))
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        self.object.members.append((key.stringValue, .literal(value ? "true" : "false")))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.object.members.append((key.stringValue, try JSONNode(value, codingPath: self.codingPath + [key])))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let object = JSONObject()
        self.object.members.append((key.stringValue, .object(object)))
        return KeyedEncodingContainer(JSONObjectContainer<NestedKey>(object: object, codingPath: self.codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let array = JSONArray()
        self.object.members.append((key.stringValue, .array(array)))
        return JSONArrayContainer(array: array, codingPath: self.codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        self.superEncoder(named: "super", path: JSONIndexKey(stringValue: "super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.superEncoder(named: key.stringValue, path: key)
    }

    private func superEncoder(named name: String, path key: any CodingKey) -> any Encoder {
        let encoder = JSONTreeEncoder(codingPath: self.codingPath + [key])
        self.object.members.append((name, .deferred(encoder)))
        return encoder
    }
}

/// Appends elements to one array.
struct JSONArrayContainer: UnkeyedEncodingContainer {
    let array: JSONArray
    let codingPath: [any CodingKey]
    var count: Int { self.array.items.count }

    private var nextKey: any CodingKey { JSONIndexKey(intValue: self.count) }

    mutating func encodeNil() throws {
        self.array.items.append(.literal("null"))
    }

    mutating func encode(_ value: String) throws {
        self.array.items.append(.string(value))
    }

    mutating func encode(_ value: Bool) throws {
        self.array.items.append(.literal(value ? "true" : "false"))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        self.array.items.append(try JSONNode(value, codingPath: self.codingPath + [self.nextKey]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let object = JSONObject()
        let path = self.codingPath + [self.nextKey]
        self.array.items.append(.object(object))
        return KeyedEncodingContainer(JSONObjectContainer<NestedKey>(object: object, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let array = JSONArray()
        let path = self.codingPath + [self.nextKey]
        self.array.items.append(.array(array))
        return JSONArrayContainer(array: array, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = JSONTreeEncoder(codingPath: self.codingPath + [self.nextKey])
        self.array.items.append(.deferred(encoder))
        return encoder
    }
}

/// Sets the single value of an encoder.
struct JSONValueContainer: SingleValueEncodingContainer {
    let encoder: JSONTreeEncoder
    var codingPath: [any CodingKey] { self.encoder.codingPath }

    mutating func encodeNil() throws {
        self.encoder.node = .literal("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        self.encoder.node = try JSONNode(value, codingPath: self.codingPath)
    }
}

/// An array index or `super` in a coding path.
struct JSONIndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
