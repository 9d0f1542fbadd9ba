/// grok-fsck's memory between runs: fullpath → schedule and results, in the
/// statusfile format the reference reads and writes (JSON, indent 2, keys
/// in insertion order). Unknown keys are kept, so a newer tool's fields
/// survive our runs.
package struct FsckStatus: Sendable, Equatable {
    /// One repository's record; every field is read leniently, because the
    /// file may come from another implementation or an older version.
    package struct Record: Sendable, Equatable {
        package private(set) var object: JSONObject

        package init(object: JSONObject = JSONObject()) { self.object = object }

        /// A repository just found: never checked, first check on `nextCheck`.
        package init(nextCheck: CheckDate, fingerprint: String?) {
            object = JSONObject([("lastcheck", .string("never")), ("nextcheck", .string(nextCheck.description)),
                                 ("fingerprint", fingerprint.map(JSONValue.string) ?? .null)])
        }

        /// An unreadable date counts as due: better one check too many.
        package var nextCheck: CheckDate? {
            get { object["nextcheck"]?.stringValue.flatMap(CheckDate.init(iso:)) }
            set { object["nextcheck"] = newValue.map { .string($0.description) } }
        }
        package var lastCheck: String? { object["lastcheck"]?.stringValue }
        package var fingerprint: String? {
            get { object["fingerprint"]?.stringValue }
            set { object["fingerprint"] = newValue.map(JSONValue.string) ?? .null }
        }
        package var quickRepackCount: Int { object["quick_repack_count"]?.intValue ?? 0 }

        package mutating func recordCheck(on day: CheckDate, next: CheckDate) {
            object["lastcheck"] = .string(day.description)
            object["nextcheck"] = .string(next.description)
        }

        package mutating func recordQuickRepack(on day: CheckDate) {
            object["lastrepack"] = .string(day.description)
            object["quick_repack_count"] = .int(quickRepackCount + 1)
        }

        /// A full repack rewrites and verifies every object, so it counts as
        /// a check too (as in the reference).
        package mutating func recordFullRepack(on day: CheckDate, next: CheckDate) {
            object["lastrepack"] = .string(day.description)
            object["lastfullrepack"] = .string(day.description)
            object["quick_repack_count"] = .int(0)
            recordCheck(on: day, next: next)
        }

        package mutating func recordElapsed(seconds: Int) { object["s_elapsed"] = .int(seconds) }
    }

    package struct DecodeError: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    private var records = JSONObject()
    /// Each record's serialized form, so saving after every repository
    /// re-encodes one record instead of all of them.
    private var encoded: [ExactKey: [UInt8]] = [:]

    package init() {}

    package var paths: [String] { records.keys }
    package var count: Int { records.count }

    package subscript(path: String) -> Record? {
        get { records[path]?.objectValue.map { Record(object: $0) } }
        set {
            records[path] = newValue.map { .object($0.object) }
            encoded[ExactKey(path)] = nil
        }
    }

    package static func == (a: FsckStatus, b: FsckStatus) -> Bool { a.records == b.records }

    /// Whether a JSON object is shaped like a status record (grokmirror
    /// writes `nextcheck` in every one): how a status file is told from a
    /// manifest, which is also an object keyed by path.
    package static func isRecord(_ object: JSONObject) -> Bool { object["nextcheck"] != nil }

    package static func decode(_ bytes: [UInt8]) throws(DecodeError) -> FsckStatus {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw DecodeError(reason: "\(error)") }
        guard let object = value.objectValue else { throw DecodeError(reason: "the top level is not a JSON object") }
        for path in object.keys where object[path]?.objectValue == nil {
            throw DecodeError(reason: "the record of \(path) is not a JSON object")
        }
        if let first = object.keys.first.flatMap({ object[$0]?.objectValue }), !isRecord(first) {
            throw DecodeError(reason: "its records have no nextcheck: it is not a status file (a manifest?)")
        }
        var status = FsckStatus()
        status.records = object
        return status
    }

    /// Each record's path and `lastcheck`, without decoding the records:
    /// all grok-serve's pages show of them (30,000 records in about a tenth
    /// of `decode`'s time).
    package static func lastChecks(_ bytes: [UInt8]) throws(DecodeError) -> [(path: String, lastCheck: String?)] {
        do {
            return try JSONParser.stringField("lastcheck", ofMembers: bytes).map { ($0.key, $0.value) }
        } catch {
            throw DecodeError(reason: "\(error)")
        }
    }

    /// json.dumps(status, indent=2), byte for byte.
    package mutating func encode() -> [UInt8] {
        guard !records.isEmpty else { return Array("{}".utf8) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(records.count * 256)
        for (index, pair) in records.pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let key = ExactKey(pair.key)
            if encoded[key] == nil {
                encoded[key] = JSONWriter.serializeMember(key: pair.key, value: pair.value, style: .indented, indent: 2)
            }
            out += encoded[key]!
        }
        out += Array("\n}".utf8)
        return out
    }
}

/// The statusfile on disk; written atomically, so a crash leaves the
/// previous or the next state, never half of one. Only a `durable` write
/// syncs the rename: a power loss may otherwise cost the last records, which
/// only means checking those repositories again.
package struct FsckStatusFile: Sendable {
    package struct Failure: Error, CustomStringConvertible {
        package let path: String
        package let reason: String
        package var description: String { "status file \(path): \(reason)" }
    }

    package let path: String

    package init(path: String) { self.path = path }

    package var exists: Bool { FileSystem.exists(path) }

    /// A missing file is an empty status (a first run).
    package func read() throws(Failure) -> FsckStatus {
        guard FileSystem.exists(path) else { return FsckStatus() }
        guard let bytes = FileSystem.read(path, limit: 1 << 30) else {
            throw Failure(path: path, reason: "cannot read it: \(FileSystem.errorDescription())")
        }
        do { return try FsckStatus.decode(bytes) } catch {
            throw Failure(path: path, reason: "cannot parse it (\(error.reason)); fix or remove it")
        }
    }

    /// Stale temp files are the caller's to remove, once per run
    /// (`AtomicFile.removeStaleTemporaries`), not every write's.
    package func write(_ status: inout FsckStatus, durable: Bool = false) throws(Failure) {
        do { try AtomicFile.replace(path, with: status.encode(), removeStaleTemporaries: false, syncDirectory: durable) } catch {
            throw Failure(path: path, reason: error.reason)
        }
    }
}
