/// A manifest: gitdir → entry, in insertion order. Gitdirs are distinct
/// when their bytes are (`Gitdir`).
///
/// Entries read from a file stay as their validated JSON bytes until they
/// are read or replaced, and untouched ones are written back verbatim. A
/// post-receive hook changing one entry of a 30,000-entry manifest thereby
/// costs little more than the decompression and compression.
public struct Manifest: Sendable {
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

    private enum Stored: Sendable {
        /// Canonical compact JSON of an object, as read.
        case raw(ArraySlice<UInt8>)
        case parsed(ManifestEntry)

        var entry: ManifestEntry {
            switch self {
            case .parsed(let entry): return entry
            case .raw(let bytes):
                // Validated by the scan at decode time, so this parse succeeds.
                guard let object = (try? JSONParser.parse(Array(bytes)))?.objectValue else { return ManifestEntry() }
                return ManifestEntry(object)
            }
        }
    }

    public private(set) var gitdirs: [Gitdir] = []
    private var entries: [Gitdir: Stored] = [:]
    /// The members of the file that were left out because their key or a
    /// value holds a lone surrogate escape, in file order (see
    /// `UndecodableEntry`). No tool acts on them.
    public private(set) var undecodable: [UndecodableEntry] = []

    public init() {}

    public var count: Int { gitdirs.count }
    public var isEmpty: Bool { gitdirs.isEmpty }

    public subscript(gitdir: Gitdir) -> ManifestEntry? {
        get { entries[gitdir]?.entry }
        set {
            if let newValue {
                if entries.updateValue(.parsed(newValue), forKey: gitdir) == nil { gitdirs.append(gitdir) }
            } else if entries.removeValue(forKey: gitdir) != nil {
                gitdirs.removeAll { $0 == gitdir }
            }
        }
    }

    /// Removes several entries in one pass (a purge of thousands of entries
    /// must not be quadratic).
    public mutating func remove(_ doomed: Set<Gitdir>) {
        guard !doomed.isEmpty else { return }
        for gitdir in doomed { entries.removeValue(forKey: gitdir) }
        gitdirs.removeAll { doomed.contains($0) }
    }

    public func contains(_ gitdir: Gitdir) -> Bool { entries[gitdir] != nil }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Manifest {
        let members: [JSONParser.ScannedMember]
        do { members = try JSONParser.scanObjectMembers(bytes) } catch {
            if error.reason == "expected an object" { throw .notAnObject }
            throw .json(error)
        }
        var manifest = Manifest()
        manifest.gitdirs.reserveCapacity(members.count)
        manifest.entries.reserveCapacity(members.count)
        for member in members {
            if member.keyIsLossy || member.valueIsLossy {
                let gitdir = member.keyIsLossy ? nil : Gitdir(member.key)
                manifest.undecodable.append(UndecodableEntry(spelling: bytes[member.keySpelling], gitdir: gitdir))
                continue
            }
            guard bytes[member.range.lowerBound] == UInt8(ascii: "{") else { throw .badEntry(member.key) }
            let stored: Stored
            if member.isCanonical {
                stored = .raw(bytes[member.range])
            } else {
                let value: JSONValue
                do { value = try JSONParser.parse(Array(bytes[member.range])) } catch { throw .json(error) }
                guard let object = value.objectValue else { throw .badEntry(member.key) }
                stored = .parsed(ManifestEntry(object))
            }
            // Duplicate keys: the last value wins at the first position, as in Python.
            let gitdir = Gitdir(member.key)
            if manifest.entries.updateValue(stored, forKey: gitdir) == nil { manifest.gitdirs.append(gitdir) }
        }
        return manifest
    }

    public func encode(pretty: Bool) -> [UInt8] {
        if pretty {
            var object = JSONObject()
            for gitdir in gitdirs { object[gitdir.path] = .object(entries[gitdir]!.entry.object) }
            return JSONWriter.serialize(.object(object), style: .pretty, capacityHint: count * 400 + 64)
        }
        var writer = JSONWriter(style: .compact, capacity: count * 260 + 64)
        writer.appendByte(UInt8(ascii: "{"))
        for (index, gitdir) in gitdirs.enumerated() {
            if index > 0 { writer.append(", ") }
            writer.writeString(gitdir.path)
            writer.append(": ")
            switch entries[gitdir]! {
            case .raw(let bytes): writer.appendBytes(bytes)
            case .parsed(let entry): writer.write(.object(entry.object), indent: 0)
            }
        }
        writer.appendByte(UInt8(ascii: "}"))
        return writer.bytes
    }
}

extension Manifest: Equatable {
    /// Manifests compare by value: same gitdirs, entries equal as JSON.
    public static func == (lhs: Manifest, rhs: Manifest) -> Bool {
        lhs.count == rhs.count && lhs.gitdirs.allSatisfy { lhs[$0] == rhs[$0] }
    }
}
