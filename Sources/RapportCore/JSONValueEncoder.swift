import Foundation

/// Encodes `Encodable` values straight into `JSONValue` trees, with the shapes `JSONEncoder` gives (nil optionals
/// left out of synthesized containers, integers as numbers), but without writing and re-reading text: customer
/// documents are turned into trees on every write and event.
///
/// It handles what Rapport's types encode: strings, numbers, booleans, nil, and nested keyed and unkeyed containers.
/// `Date`, `Data` and `URL` get no special treatment, unlike in `JSONEncoder`; Rapport's documents do not hold them.
enum JSONValueEncoder {
    /// The value as a JSON tree.
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let node = Node()
        try value.encode(to: NodeEncoder(node: node, codingPath: []))
        return node.resolved
    }
}

/// A value being built: a scalar, or an object or array of further nodes.
private final class Node {
    var scalar: JSONValue?
    var members: [String: Node]?
    var items: [Node]?

    var resolved: JSONValue {
        if let members { return .object(members.mapValues(\.resolved)) }
        if let items { return .array(items.map(\.resolved)) }
        return scalar ?? .object([:])
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.items == nil { node.items = [] }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: node, codingPath: codingPath)
    }
}

/// Encodes one value into a fresh node.
private func encoded<T: Encodable>(_ value: T, at codingPath: [any CodingKey]) throws -> Node {
    let child = Node()
    switch value {
    case let json as JSONValue: child.scalar = json
    case let text as String: child.scalar = .string(text)
    case let flag as Bool: child.scalar = .bool(flag)
    case let number as Int: child.scalar = .number(Double(number))
    case let number as Int64: child.scalar = .number(Double(number))
    case let number as Double: child.scalar = .number(number)
    default: try value.encode(to: NodeEncoder(node: child, codingPath: codingPath))
    }
    return child
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        node.members?[key.stringValue] = Node(scalar: .null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.members?[key.stringValue] = try encoded(value, at: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = Node()
        node.members?[key.stringValue] = child
        return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Node()
        node.members?[key.stringValue] = child
        return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = Node()
        node.members?[key.stringValue] = child
        return NodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.items?.count ?? 0 }

    mutating func encodeNil() throws {
        node.items?.append(Node(scalar: .null))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.items?.append(try encoded(value, at: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = Node()
        node.items?.append(child)
        return NodeEncoder(node: child, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = Node()
        node.items?.append(child)
        return NodeEncoder(node: child, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = Node()
        node.items?.append(child)
        return NodeEncoder(node: child, codingPath: codingPath)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        node.scalar = .null
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let child = try encoded(value, at: codingPath)
        node.scalar = child.scalar
        node.members = child.members
        node.items = child.items
    }
}

extension Node {
    convenience init(scalar: JSONValue) {
        self.init()
        self.scalar = scalar
    }
}
