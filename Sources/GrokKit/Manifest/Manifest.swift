/// A manifest: gitdir → entry, in insertion order.
public struct Manifest: Sendable, Equatable {
    public enum DecodeError: Error, CustomStringConvertible {
        case json(JSONParser.Error)
        case notAnObject
        case badEntry(String)
        public var description: String {
            switch self {
            case .json(let error): return error.description
            case .notAnObject: return "the top level is not a JSON object"
            case .badEntry(let gitdir): return "the entry for \(gitdir) is not a JSON object"
            }
        }
    }

    public private(set) var gitdirs: [String] = []
    private var entries: [String: ManifestEntry] = [:]

    public init() {}

    public var count: Int { gitdirs.count }
    public var isEmpty: Bool { gitdirs.isEmpty }

    public subscript(gitdir: String) -> ManifestEntry? {
        get { entries[gitdir] }
        set {
            if let newValue {
                if entries.updateValue(newValue, forKey: gitdir) == nil { gitdirs.append(gitdir) }
            } else if entries.removeValue(forKey: gitdir) != nil {
                gitdirs.removeAll { $0 == gitdir }
            }
        }
    }

    /// Removes several entries in one pass (a purge of thousands of entries
    /// must not be quadratic).
    public mutating func remove(_ doomed: Set<String>) {
        guard !doomed.isEmpty else { return }
        for gitdir in doomed { entries.removeValue(forKey: gitdir) }
        gitdirs.removeAll { doomed.contains($0) }
    }

    public func contains(_ gitdir: String) -> Bool { entries[gitdir] != nil }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Manifest {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .json(error) }
        guard case .object(let object) = value else { throw .notAnObject }
        var manifest = Manifest()
        manifest.gitdirs.reserveCapacity(object.count)
        for (gitdir, entry) in object.pairs {
            guard case .object(let fields) = entry else { throw .badEntry(gitdir) }
            manifest[gitdir] = ManifestEntry(fields)
        }
        return manifest
    }

    public func encode(pretty: Bool) -> [UInt8] {
        var object = JSONObject()
        for gitdir in gitdirs { object[gitdir] = .object(entries[gitdir]!.object) }
        return JSONWriter.serialize(.object(object), style: pretty ? .pretty : .compact, capacityHint: count * 320 + 64)
    }
}
