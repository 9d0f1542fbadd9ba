import Glibc

/// A manifest on disk: how it is read, and how it is replaced atomically.
public struct ManifestFile: Sendable {
    public enum ReadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case undecodable(path: String, reason: String)
        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read manifest \(path): \(reason)"
            case .undecodable(let path, let reason): return "cannot parse manifest \(path): \(reason)"
            }
        }
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write manifest \(path): \(reason)" }
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// grokmirror decides compression by a `.gz` anywhere in the name.
    public var isCompressed: Bool { path.contains(".gz") }

    public var exists: Bool { FileSystem.exists(path) }

    /// Reads the manifest; a missing file is an empty manifest (first run).
    public func read() throws(ReadError) -> Manifest {
        guard exists else { return Manifest() }
        guard let raw = FileSystem.read(path, limit: 1 << 30) else {
            throw .unreadable(path: path, reason: FileSystem.errorDescription())
        }
        return try Self.decode(raw, source: path)
    }

    /// Decodes manifest bytes from `source` (a path or URL, for messages),
    /// gunzipping them when they carry the gzip magic.
    public static func decode(_ raw: [UInt8], source: String, sizeLimit: Int = 1 << 30) throws(ReadError) -> Manifest {
        var bytes = raw
        if Gzip.looksCompressed(raw) {
            do { bytes = try Gzip.decompress(raw, limit: sizeLimit) } catch {
                throw .undecodable(path: source, reason: error.description)
            }
        }
        do { return try Manifest.decode(bytes) } catch {
            throw .undecodable(path: source, reason: error.description)
        }
    }

    /// The prefix of our temporary files, so that leftovers of a killed
    /// writer can be recognised and removed by the next writer.
    var temporaryPrefix: String { "." + PathUtilities.basename(path) + ".tmp." }

    /// Replaces the manifest atomically: temp file in the same directory,
    /// fsync, mode 0666 minus umask, rename, fsync of the directory. Call with
    /// the manifest lock held.
    public func write(_ manifest: Manifest, pretty: Bool, mtime: Int? = nil) throws(WriteError) {
        let directory = PathUtilities.dirname(PathUtilities.absolute(path))
        removeStaleTemporaries(in: directory)
        var bytes = manifest.encode(pretty: pretty)
        // zlib level 6 on small manifests; on large ones level 1, which is
        // twice as fast for ~15% more bytes and keeps hook runs quick.
        if isCompressed { bytes = Gzip.compress(bytes, level: bytes.count > 2 << 20 ? 1 : 6) }
        let temporary = PathUtilities.join(directory, temporaryPrefix + String(getpid()))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(path: path, reason: FileSystem.errorDescription()) }
        var failure: String? = nil
        if !FileSystem.writeAll(fd, bytes) { failure = FileSystem.errorDescription() }
        if failure == nil, fsync(fd) != 0 { failure = FileSystem.errorDescription() }
        if failure == nil, fchmod(fd, 0o666 & ~FileSystem.currentUmask()) != 0 { failure = FileSystem.errorDescription() }
        close(fd)
        if failure == nil, let mtime {
            var times = [timespec(tv_sec: mtime, tv_nsec: 0), timespec(tv_sec: mtime, tv_nsec: 0)]
            if utimensat(AT_FDCWD, temporary, &times, 0) != 0 { failure = FileSystem.errorDescription() }
        }
        if failure == nil, rename(temporary, path) != 0 { failure = FileSystem.errorDescription() }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    private func removeStaleTemporaries(in directory: String) {
        for name in FileSystem.listDirectory(directory) ?? [] where name.hasPrefix(temporaryPrefix) {
            unlink(PathUtilities.join(directory, name))
        }
    }
}
