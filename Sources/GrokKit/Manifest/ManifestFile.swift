/// A manifest on disk: how it is read, and how it is replaced atomically.
package struct ManifestFile: Sendable {
    /// JSON's insignificant whitespace: space, tab, LF, CR.
    private static let jsonWhitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    package enum ReadError: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case undecodable(path: String, reason: String)
        /// Neither gzip nor JSON text starting with `{`: some other file
        /// (a config, a script) that no tool may replace.
        case notAManifest(path: String)
        package var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read manifest \(path): \(reason)"
            case .undecodable(let path, let reason): return "cannot parse manifest \(path): \(reason)"
            case .notAManifest(let path):
                return "\(path) is not a manifest (neither gzip nor a JSON object)"
            }
        }
    }

    package struct WriteError: Error, CustomStringConvertible {
        package let path: String
        package let reason: String
        package var description: String { "cannot write manifest \(path): \(reason)" }
    }

    /// The step of an `update` that failed; nothing was written.
    package enum UpdateError<Failure: Error>: Error, CustomStringConvertible {
        case lock(FileLock.Error)
        case read(ReadError)
        /// The change gave up.
        case change(Failure)
        case write(WriteError)
        package var description: String {
            switch self {
            case .lock(let error): return error.description
            case .read(let error): return error.description
            case .change(let error): return "\(error)"
            case .write(let error): return error.description
            }
        }
    }

    package let path: String

    package init(path: String) { self.path = path }

    /// grokmirror decides compression by a `.gz` anywhere in the name.
    package var isCompressed: Bool { path.contains(".gz") }

    package var exists: Bool { FileSystem.exists(path) }

    /// Reads the manifest; a missing file is an empty manifest (first run).
    package func read() throws(ReadError) -> Manifest {
        guard exists else { return Manifest() }
        if FileSystem.isDirectory(path) { throw .unreadable(path: path, reason: "it is a directory") }
        guard let raw = FileSystem.read(path, limit: 1 << 30) else {
            throw .unreadable(path: path, reason: FileSystem.errorDescription())
        }
        return try Self.decode(raw, source: path)
    }

    /// The manifest a read-modify-write starts from: an unparseable one
    /// (a torn copy from another tool) is started afresh, since the caller
    /// rewrites it whole; a file that is not a manifest, or cannot be read,
    /// is an error, so it is never replaced.
    package func readForRewrite() throws(ReadError) -> Manifest {
        do { return try read() } catch {
            guard case .undecodable = error else { throw error }
            return Manifest()
        }
    }

    /// Decodes manifest bytes from `source` (a path or URL, for messages),
    /// gunzipping them when they carry the gzip magic. Content whose first
    /// non-blank byte is not `{` is `.notAManifest`, so a mistyped `-m`
    /// never has its file replaced; blank content is `.undecodable`.
    package static func decode(_ raw: [UInt8], source: String, sizeLimit: Int = 1 << 30, interruptible: Bool = false) throws(ReadError) -> Manifest {
        var bytes = raw
        if Gzip.looksCompressed(raw) {
            do { bytes = try Gzip.decompress(raw, limit: sizeLimit) } catch {
                throw .undecodable(path: source, reason: error.description)
            }
        }
        guard let first = bytes.first(where: { !Self.jsonWhitespace.contains($0) }) else {
            throw .undecodable(path: source, reason: "no JSON content")
        }
        guard first == UInt8(ascii: "{") else { throw .notAManifest(path: source) }
        let manifest: Manifest
        do { manifest = try Manifest.decode(bytes, interruptible: interruptible) } catch {
            // Valid JSON whose values are not objects is another file (a
            // package.json); only a torn or invalid one is a broken manifest.
            if case .badEntry = error { throw .notAManifest(path: source) }
            throw .undecodable(path: source, reason: error.description)
        }
        // grok-fsck's status file is also an object keyed by path; its
        // records carry `nextcheck`, which no manifest entry has.
        if let first = manifest.gitdirs.first, let entry = manifest[first], entry.object["nextcheck"] != nil {
            throw .notAManifest(path: source)
        }
        return manifest
    }

    /// Every change to a manifest that others also write: under its lock,
    /// read, change, write, so no concurrent change is lost.
    ///
    /// - Parameters:
    ///   - pretty: write indented JSON.
    ///   - lock: takes the lock, by default waiting for its holder (a caller
    ///     may wait for the file to exist first); released on return.
    ///   - read: reads the manifest under the lock, by default `read()` (a
    ///     missing file is empty; see `readForRewrite()` for a torn one).
    ///   - change: edits the manifest and says whether it changed anything;
    ///     only then is it written.
    ///   - written: runs after the write, still under the lock.
    /// - Returns: the manifest as changed (as read, when `change` said no).
    /// - Throws: the step that failed; nothing is written after it.
    package func update<Failure: Error>(pretty: Bool,
                                       lock: (ManifestFile) async throws(FileLock.Error) -> FileLock = { try FileLock.acquire(for: $0.path) },
                                       read: (ManifestFile) throws(ReadError) -> Manifest = { try $0.read() },
                                       _ change: (inout Manifest) async throws(Failure) -> Bool,
                                       written: (Manifest) -> Void = { _ in }) async throws(UpdateError<Failure>) -> Manifest {
        let held: FileLock
        do { held = try await lock(self) } catch { throw .lock(error) }
        defer { held.release() }
        var manifest: Manifest
        do { manifest = try read(self) } catch { throw .read(error) }
        let changed: Bool
        do { changed = try await change(&manifest) } catch { throw .change(error) }
        guard changed else { return manifest }
        do { try write(manifest, pretty: pretty) } catch { throw .write(error) }
        written(manifest)
        return manifest
    }

    /// Replaces the manifest atomically (see `AtomicFile`). Call with the
    /// manifest lock held.
    package func write(_ manifest: Manifest, pretty: Bool, mtime: Int? = nil) throws(WriteError) {
        var bytes = manifest.encode(pretty: pretty)
        // zlib level 6 on small manifests; on large ones level 1, which is
        // twice as fast for ~15% more bytes and keeps hook runs quick.
        if isCompressed { bytes = Gzip.compress(bytes, level: bytes.count > 2 << 20 ? 1 : 6) }
        do { try AtomicFile.replace(path, with: bytes, mtime: mtime) } catch {
            throw WriteError(path: path, reason: error.reason)
        }
    }
}
