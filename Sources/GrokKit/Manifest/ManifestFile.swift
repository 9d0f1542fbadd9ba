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

    /// Replaces the manifest atomically (see `AtomicFile`). Call with the
    /// manifest lock held.
    public func write(_ manifest: Manifest, pretty: Bool, mtime: Int? = nil) throws(WriteError) {
        var bytes = manifest.encode(pretty: pretty)
        // zlib level 6 on small manifests; on large ones level 1, which is
        // twice as fast for ~15% more bytes and keeps hook runs quick.
        if isCompressed { bytes = Gzip.compress(bytes, level: bytes.count > 2 << 20 ? 1 : 6) }
        do { try AtomicFile.replace(path, with: bytes, mtime: mtime) } catch {
            throw WriteError(path: path, reason: error.reason)
        }
    }
}
