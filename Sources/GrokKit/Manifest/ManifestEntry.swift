/// One repository's record in a manifest. Backed by the JSON object it was
/// read from, so keys this implementation does not know survive a rewrite.
package struct ManifestEntry: Sendable, Equatable {
    package var object: JSONObject

    package init(_ object: JSONObject = JSONObject()) { self.object = object }

    package var fingerprint: String? {
        get { object["fingerprint"]?.stringValue }
        set { object["fingerprint"] = newValue.map(JSONValue.string) }
    }

    package var modified: Int? {
        get { object["modified"]?.intValue }
        set { object["modified"] = newValue.map(JSONValue.int) }
    }

    package var head: String? {
        get { object["head"]?.stringValue }
        set { object["head"] = newValue.map(JSONValue.string) ?? .null }
    }

    package var description: String? {
        get { object["description"]?.stringValue }
        set { object["description"] = newValue.map(JSONValue.string) }
    }

    package var owner: String? {
        get { object["owner"]?.stringValue }
        set { object["owner"] = newValue.map(JSONValue.string) }
    }

    /// Always written, null when unset: grokmirror 1.x replicas require the key.
    package var reference: String? {
        get { object["reference"]?.stringValue }
        set { object["reference"] = newValue.map(JSONValue.string) ?? .null }
    }

    package var forkgroup: String? {
        get { object["forkgroup"]?.stringValue }
        set { object["forkgroup"] = newValue.map(JSONValue.string) }
    }

    /// Omitted rather than empty, as grokmirror writes it.
    package var symlinks: [Gitdir] {
        get { object["symlinks"]?.arrayValue?.compactMap { $0.stringValue.map { Gitdir($0) } } ?? [] }
        set { object["symlinks"] = newValue.isEmpty ? nil : .array(newValue.map { .string($0.path) }) }
    }
}
