/// One repository's record in a manifest. Backed by the JSON object it was
/// read from, so keys this implementation does not know survive a rewrite.
public struct ManifestEntry: Sendable, Equatable {
    public var object: JSONObject

    public init(_ object: JSONObject = JSONObject()) { self.object = object }

    public var fingerprint: String? {
        get { object["fingerprint"]?.stringValue }
        set { object["fingerprint"] = newValue.map(JSONValue.string) }
    }

    public var modified: Int? {
        get { object["modified"]?.intValue }
        set { object["modified"] = newValue.map(JSONValue.int) }
    }

    public var head: String? {
        get { object["head"]?.stringValue }
        set { object["head"] = newValue.map(JSONValue.string) ?? .null }
    }

    public var description: String? {
        get { object["description"]?.stringValue }
        set { object["description"] = newValue.map(JSONValue.string) }
    }

    public var owner: String? {
        get { object["owner"]?.stringValue }
        set { object["owner"] = newValue.map(JSONValue.string) }
    }

    /// Always written, null when unset: grokmirror 1.x replicas require the key.
    public var reference: String? {
        get { object["reference"]?.stringValue }
        set { object["reference"] = newValue.map(JSONValue.string) ?? .null }
    }

    public var forkgroup: String? {
        get { object["forkgroup"]?.stringValue }
        set { object["forkgroup"] = newValue.map(JSONValue.string) }
    }

    /// Omitted rather than empty, as grokmirror writes it.
    public var symlinks: [Gitdir] {
        get { object["symlinks"]?.arrayValue?.compactMap { $0.stringValue.map { Gitdir($0) } } ?? [] }
        set { object["symlinks"] = newValue.isEmpty ? nil : .array(newValue.map { .string($0.path) }) }
    }
}
