import Glibc
import Synchronization

/// The durable push state of every (destination, repository): one JSON
/// line per successful push appended to a journal beside the local
/// manifest (`.<manifest name>.push`), read once per process and
/// compacted when it holds more than twice the lines it needs.
///
/// A line is one `write` to a file opened for appending, so concurrent
/// grok-pull and grok-push runs interleave whole lines and a kill tears at
/// most the last one, which is skipped. Losing a line only costs one push
/// that finds the destination up to date; a line never claims a push that
/// did not finish, so a destination is never left behind for good.
package final class PushStateStore: Sendable {
    package let path: String
    private let state: Mutex<Loaded>

    private struct Key: Hashable { let destination: String, gitdir: Gitdir }
    private struct Owner: Hashable { let destination: String, target: String }

    private struct Loaded {
        var records: [Key: PushRecord] = [:]
        /// Which destination URL (`PushStateStore.target(of:)`) each
        /// repository is pushed to, and the other way round: two
        /// repositories never share one.
        private(set) var targets: [Key: String] = [:]
        private(set) var owners: [Owner: Gitdir] = [:]
        var lines = 0

        /// Records (or with nil, drops) the URL `key`'s repository is pushed to.
        mutating func setTarget(_ target: String?, for key: Key) {
            if let old = targets[key], owners[Owner(destination: key.destination, target: old)] == key.gitdir {
                owners[Owner(destination: key.destination, target: old)] = nil
            }
            targets[key] = target
            if let target { owners[Owner(destination: key.destination, target: target)] = key.gitdir }
        }
        /// The file as this process last read or wrote it.
        var identity: FileIdentity? = nil
    }

    package static func path(forLocalManifest manifest: String) -> String {
        PathUtilities.hiddenSibling(of: manifest, suffix: ".push")
    }

    package init(path: String) {
        self.path = path
        state = Mutex(Self.load(path))
        compactIfLarge()
    }

    package func record(destination: String, gitdir: Gitdir) -> PushRecord? {
        state.withLock { $0.records[Key(destination: destination, gitdir: gitdir)] }
    }

    /// Records a finished push (to `target`, when given). False (the caller
    /// logs it) when the journal cannot be written: the push is then
    /// repeated by the next run.
    @discardableResult
    package func save(_ record: PushRecord, destination: String, gitdir: Gitdir, target: String? = nil) -> Bool {
        let key = Key(destination: destination, gitdir: gitdir)
        return append(Self.line(key, record, target: target)) { loaded in
            loaded.records[key] = record
            loaded.setTarget(target, for: key)
        }
    }

    /// What identifies a destination URL in the state: its SHA-1, credentials left out.
    package static func target(of url: String) -> String {
        var hash = SHA1()
        hash.update(CredentialRedaction.displayable(url))
        return hash.hexDigest()
    }

    /// Takes `target` at `destination` for `gitdir`, or returns the other
    /// repository that was pushed there (or is being pushed there by this
    /// process): a url template giving two repositories one URL would have
    /// each overwrite, and prune, the other's refs.
    package func claim(_ target: String, destination: String, gitdir: Gitdir) -> Gitdir? {
        state.withLock { loaded in
            if let other = loaded.owners[Owner(destination: destination, target: target)], other != gitdir { return other }
            loaded.setTarget(target, for: Key(destination: destination, gitdir: gitdir))
            return nil
        }
    }

    /// Forgets what was pushed of `gitdir` (a purged repository).
    @discardableResult
    package func forget(_ gitdir: Gitdir, destinations: [String]) -> Bool {
        destinations.allSatisfy { destination in
            guard record(destination: destination, gitdir: gitdir) != nil else { return true }
            let line = JSONObject([("d", .string(destination)), ("g", .string(gitdir.path)), ("forget", .bool(true))])
            return append(line) { loaded in
                loaded.records[Key(destination: destination, gitdir: gitdir)] = nil
                loaded.setTarget(nil, for: Key(destination: destination, gitdir: gitdir))
            }
        }
    }

    /// Reads the journal again if another process wrote it since.
    package func refresh() {
        state.withLock { loaded in
            if FileIdentity(path: path) != loaded.identity { loaded = Self.load(path) }
        }
    }

    private func append(_ object: JSONObject, update: (inout Loaded) -> Void) -> Bool {
        var bytes = JSONWriter.serialize(.object(object), style: .compact, capacityHint: 256)
        bytes.append(UInt8(ascii: "\n"))
        return state.withLock { loaded in
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            // Another process's lines since our last look are read first.
            if FileIdentity(descriptor: fd) != loaded.identity { loaded = Self.load(path) }
            guard FileSystem.writeAll(fd, bytes) else { return false }
            update(&loaded)
            loaded.lines += 1
            loaded.identity = FileIdentity(descriptor: fd)
            return true
        }
    }

    private static func line(_ key: Key, _ record: PushRecord, target: String?) -> JSONObject {
        var fields: [(String, JSONValue)] = [("d", .string(key.destination)), ("g", .string(key.gitdir.path)), ("f", .string(record.fingerprint)),
                                             ("n", .string(record.names)), ("s", .string(record.settings))]
        if let target { fields.append(("u", .string(target))) }
        return JSONObject(fields)
    }

    private static func load(_ path: String) -> Loaded {
        var loaded = Loaded()
        loaded.identity = FileIdentity(path: path)
        guard let bytes = FileSystem.read(path, limit: 1 << 31) else { return loaded }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            loaded.lines += 1
            guard let object = (try? JSONParser.parse(Array(line)))?.objectValue,
                  let destination = object["d"]?.stringValue, let gitdir = object["g"]?.stringValue else { continue }
            let key = Key(destination: destination, gitdir: Gitdir(gitdir))
            if let fingerprint = object["f"]?.stringValue, let names = object["n"]?.stringValue, let settings = object["s"]?.stringValue {
                loaded.records[key] = PushRecord(fingerprint: fingerprint, names: names, settings: settings)
                loaded.setTarget(object["u"]?.stringValue, for: key)
            } else if object["forget"] != nil {
                loaded.records[key] = nil
                loaded.setTarget(nil, for: key)
            }
        }
        return loaded
    }

    /// Rewrites the journal with one line per record once it holds more
    /// than twice that (and 1000 lines), under a lock so two processes do
    /// not both rewrite it. A line another process appends meanwhile may be
    /// lost, which costs that repository one push that finds it up to date.
    private func compactIfLarge() {
        guard let lock = try? FileLock.tryAcquire(for: path) else { return }
        defer { lock.release() }
        state.withLock { loaded in
            guard loaded.lines > 2 * loaded.records.count + 1000 else { return }
            var bytes: [UInt8] = []
            for (key, record) in loaded.records.sorted(by: { ($0.key.destination, $0.key.gitdir) < ($1.key.destination, $1.key.gitdir) }) {
                bytes += JSONWriter.serialize(.object(Self.line(key, record, target: loaded.targets[key])), style: .compact, capacityHint: 256)
                bytes.append(UInt8(ascii: "\n"))
            }
            guard (try? AtomicFile.replace(path, with: bytes)) != nil else { return }
            loaded.lines = loaded.records.count
            loaded.identity = FileIdentity(path: path)
        }
    }
}
