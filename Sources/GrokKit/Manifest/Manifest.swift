/// A manifest: gitdir → entry, in insertion order. Gitdirs are distinct
/// when their bytes are (`Gitdir`).
///
/// Entries read from a file stay as their validated JSON bytes until they
/// are read or replaced, and untouched ones are written back verbatim. A
/// post-receive hook changing one entry of a 30,000-entry manifest thereby
/// costs little more than the decompression and compression.
///
/// Members no tool can act on (`UndecodableEntry`) are kept apart: in no
/// lookup, not in `gitdirs` or `count` (which removal protection counts),
/// and written back as they were read.
package struct Manifest: Sendable {
    package enum DecodeError: Error, CustomStringConvertible {
        case json(JSONParser.Error)
        case notAnObject
        case badEntry(String)
        package var description: String {
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

    package private(set) var gitdirs: [Gitdir] = []
    private var entries: [Gitdir: Stored] = [:]
    /// The members whose key or value holds a lone surrogate escape, in
    /// file order (see `UndecodableEntry`).
    package private(set) var undecodable: [UndecodableEntry] = []

    package init() {}

    package var count: Int { gitdirs.count }
    package var isEmpty: Bool { gitdirs.isEmpty }

    package subscript(gitdir: Gitdir) -> ManifestEntry? {
        get { entries[gitdir]?.entry }
        set {
            if let newValue {
                guard entries.updateValue(.parsed(newValue), forKey: gitdir) == nil else { return }
                gitdirs.append(gitdir)
                // A fresh entry replaces a kept one of the same key: the
                // tool has just read the repository it names.
                if !undecodable.isEmpty { undecodable.removeAll { $0.gitdir == gitdir } }
            } else if entries.removeValue(forKey: gitdir) != nil {
                gitdirs.removeAll { $0 == gitdir }
            }
        }
    }

    /// Removes several entries in one pass (a purge of thousands of entries
    /// must not be quadratic).
    package mutating func remove(_ doomed: Set<Gitdir>) {
        guard !doomed.isEmpty else { return }
        for gitdir in doomed { entries.removeValue(forKey: gitdir) }
        gitdirs.removeAll { doomed.contains($0) }
    }

    package func contains(_ gitdir: Gitdir) -> Bool { entries[gitdir] != nil }

    /// `interruptible`: see `JSONParser.scanObjectMembers`.
    package static func decode(_ bytes: [UInt8], interruptible: Bool = false) throws(DecodeError) -> Manifest {
        let members: [JSONParser.ScannedMember]
        do { members = try JSONParser.scanObjectMembers(bytes, interruptible: interruptible) } catch {
            if error.reason == "expected an object" { throw .notAnObject }
            throw .json(error)
        }
        var manifest = Manifest()
        manifest.gitdirs.reserveCapacity(members.count)
        manifest.entries.reserveCapacity(members.count)
        for member in members {
            guard bytes[member.range.lowerBound] == UInt8(ascii: "{") else { throw .badEntry(member.key) }
            if member.keyIsLossy || member.valueIsLossy {
                try manifest.keep(member, of: bytes)
                continue
            }
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
        // grokmirror never writes a key twice. Should a file hold one key
        // both decodable and not, the member a tool can act on is kept.
        if !manifest.undecodable.isEmpty {
            let entries = manifest.entries
            manifest.undecodable.removeAll { kept in kept.gitdir.map { entries[$0] != nil } ?? false }
        }
        return manifest
    }

    /// Keeps a member no tool can act on, as read. The scan did not build
    /// its value's strings, so their UTF-8 is checked here (a canonical
    /// value is ASCII).
    private mutating func keep(_ member: JSONParser.ScannedMember, of bytes: [UInt8]) throws(DecodeError) {
        let value = bytes[member.range]
        guard member.isCanonical || String(validating: value, as: UTF8.self) != nil else {
            throw .json(JSONParser.Error(offset: member.range.lowerBound, reason: "invalid UTF-8 in string"))
        }
        undecodable.append(UndecodableEntry(spelling: bytes[member.keySpelling], keyIsLossy: member.keyIsLossy, value: value, anchor: gitdirs.last))
    }

    /// The manifest as grokmirror writes it: compact in insertion order, or
    /// pretty with keys in code point order (`sort_keys`).
    ///
    /// Kept members (`UndecodableEntry`) are written as read. Compact: each
    /// after the entry it followed (first when none did, last when that
    /// entry is gone), so an unchanged manifest is rewritten byte for byte.
    /// Pretty: in the code point order of their key, lone surrogates
    /// counted as code points, which is where Python's `sort_keys` puts
    /// them. Their values keep the layout they were read with, so one read
    /// from a compact file is one line in a pretty one and vice versa, and
    /// keys inside them are not re-sorted: JSON that Python reads the same.
    package func encode(pretty: Bool) -> [UInt8] {
        var writer = JSONWriter(style: pretty ? .pretty : .compact, capacity: count * (pretty ? 400 : 260) + 64)
        writer.appendByte(UInt8(ascii: "{"))
        var written = 0
        forEachMember(sorted: pretty) { member in
            writer.beginItem(written, indent: 0)
            written += 1
            switch member {
            case .entry(let gitdir):
                writer.writeString(gitdir.path)
                writer.append(": ")
                switch entries[gitdir]! {
                case .raw(let bytes) where !pretty: writer.appendBytes(bytes)
                case let stored: writer.write(.object(stored.entry.object), indent: pretty ? 2 : 0)
                }
            case .kept(let kept):
                writer.appendByte(UInt8(ascii: "\""))
                writer.appendBytes(ArraySlice(kept.spelling.utf8))
                writer.append("\": ")
                writer.appendBytes(kept.value)
            }
        }
        if written == 0 { writer.appendByte(UInt8(ascii: "}")) } else { writer.end(UInt8(ascii: "}"), indent: 0) }
        return writer.bytes
    }

    private enum Member {
        case entry(Gitdir)
        case kept(UndecodableEntry)
    }

    /// Every member, in the order `encode` writes them.
    private func forEachMember(sorted: Bool, _ body: (Member) -> Void) {
        if undecodable.isEmpty {
            for gitdir in sorted ? gitdirs.sorted() : gitdirs { body(.entry(gitdir)) }
        } else if sorted {
            // Enumerated, so members of one key keep their order (the last one wins in Python).
            let kept = undecodable.enumerated().sorted { a, b in
                a.element.identity == b.element.identity ? a.offset < b.offset : a.element.identity.lexicographicallyPrecedes(b.element.identity)
            }.map(\.element)
            var next = kept.startIndex
            for gitdir in gitdirs.sorted() {
                while next < kept.endIndex, kept[next].identity.lexicographicallyPrecedes(gitdir.path.utf8) { body(.kept(kept[next])); next += 1 }
                body(.entry(gitdir))
            }
            kept[next...].forEach { body(.kept($0)) }
        } else {
            var following: [Gitdir: [UndecodableEntry]] = [:]
            var first: [UndecodableEntry] = [], last: [UndecodableEntry] = []
            for kept in undecodable {
                guard let anchor = kept.anchor else { first.append(kept); continue }
                if entries[anchor] != nil { following[anchor, default: []].append(kept) } else { last.append(kept) }
            }
            first.forEach { body(.kept($0)) }
            for gitdir in gitdirs {
                body(.entry(gitdir))
                following[gitdir]?.forEach { body(.kept($0)) }
            }
            last.forEach { body(.kept($0)) }
        }
    }
}

extension Manifest: Equatable {
    /// Manifests compare by value: same gitdirs, entries equal as JSON,
    /// and the same kept members.
    package static func == (lhs: Manifest, rhs: Manifest) -> Bool {
        lhs.count == rhs.count && lhs.gitdirs.allSatisfy { lhs[$0] == rhs[$0] } && lhs.undecodable == rhs.undecodable
    }
}
