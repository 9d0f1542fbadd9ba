/// A JSON value that keeps object key order and number spelling, so that a
/// read-modify-write of a manifest preserves everything it does not touch
/// (unknown keys included), as grokmirror's dict round trip does.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written: floats and huge integers survive a round trip.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    package static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    package var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    package var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    package var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    package var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        if let value = Int(text) { return value }
        return Double(text).flatMap { $0.isFinite && abs($0) < 9e18 ? Int($0) : nil }
    }
    package var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Strings compare by bytes (`ExactKey`), as Python compares them: a
    /// description rewritten from NFC to NFD is a change to mirror.
    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return ExactKey(a) == ExactKey(b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

/// An insertion-ordered JSON object. Setting an existing key keeps its
/// position, like a Python dict. Keys are distinct when their bytes are
/// (`ExactKey`): the fsck status file is keyed by paths.
package struct JSONObject: Sendable, Equatable {
    package private(set) var keys: [String] = []
    private var values: [ExactKey: JSONValue] = [:]

    package init() {}

    package init(_ pairs: [(String, JSONValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    package var count: Int { keys.count }
    package var isEmpty: Bool { keys.isEmpty }

    package subscript(key: String) -> JSONValue? {
        get { values[ExactKey(key)] }
        set {
            let exact = ExactKey(key)
            if let newValue {
                if values.updateValue(newValue, forKey: exact) == nil { keys.append(key) }
            } else if values.removeValue(forKey: exact) != nil {
                keys.removeAll { ExactKey($0) == exact }
            }
        }
    }

    package var pairs: [(key: String, value: JSONValue)] { keys.map { ($0, values[ExactKey($0)]!) } }

    /// Entries compare by value, not by key order (as Python dicts do).
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.values == rhs.values }
}
