import Glibc
import Synchronization

/// Finished archives kept in `[serve] archive_cache`, one file per commit
/// and format (`<commit>.<extension>`), at most `limit` bytes in all, the
/// least recently used evicted first.
///
/// A file is written under a temporary name and renamed into place only
/// once complete, so a reader never sees a partial archive. The index of
/// sizes and last uses lives in memory; it is rebuilt at start from the
/// directory, ordered by each file's access time (set on every hit, so the
/// order survives a restart even on a `noatime` mount). Leftover temporary
/// files of a crash are removed then. Everything is best effort: a cache
/// that cannot write only makes downloads uncached.
package final class ArchiveCache: Sendable {
    package let directory: String
    package let limit: Int

    private struct Entry {
        var size: Int
        var lastUse: UInt64
    }

    private struct Index {
        var entries: [String: Entry] = [:]
        var total = 0
        var clock: UInt64 = 0
        var temporaries: UInt64 = 0

        mutating func tick() -> UInt64 {
            clock += 1
            return clock
        }
    }

    private let index = Mutex(Index())
    private static let temporaryPrefix = ".tmp-"

    /// Opens (creating it if need be) the cache in `directory`.
    package init(directory: String, limit: Int) throws(ArchiveSource.Failure) {
        self.directory = directory
        self.limit = limit
        guard FileSystem.makeDirectories(directory) else {
            throw ArchiveSource.Failure(description: "cannot create \(directory): \(FileSystem.errorDescription())")
        }
        guard let names = FileSystem.listDirectory(directory) else {
            throw ArchiveSource.Failure(description: "cannot read \(directory): \(FileSystem.errorDescription())")
        }
        var found: [(name: String, size: Int, used: Int)] = []
        for name in names {
            let path = directory + "/" + name
            if name.hasPrefix(Self.temporaryPrefix) {
                unlink(path)
                continue
            }
            var info = stat()
            guard Self.isKey(name), lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            found.append((name, Int(info.st_size), max(info.st_atim.tv_sec, info.st_mtim.tv_sec)))
        }
        index.withLock { index in
            for file in found.sorted(by: { ($0.used, $0.name) < ($1.used, $1.name) }) {
                index.entries[file.name] = Entry(size: file.size, lastUse: index.tick())
                index.total += file.size
            }
        }
        evict()
    }

    /// The cache key of an archive: `<commit>.<extension>`.
    package static func key(commit: String, format: ArchiveFormat) -> String { commit + "." + format.fileExtension }

    private static func isKey(_ name: String) -> Bool {
        guard let dot = name.firstIndex(of: ".") else { return false }
        return ArchiveSource.isObjectID(String(name[..<dot])) && ArchiveFormat(rawValue: String(name[name.index(after: dot)...])) != nil
    }

    /// Total bytes of the archives kept.
    package var size: Int { index.withLock { $0.total } }

    /// Whether `key` is kept (without counting as a use).
    package func contains(_ key: String) -> Bool { index.withLock { $0.entries[key] != nil } }

    /// The kept archive of `key`, opened (so that an eviction meanwhile
    /// cannot take it away), and counted as its most recent use.
    package func open(_ key: String) -> ArchiveFile? {
        guard index.withLock({ $0.entries[key] != nil }) else { return nil }
        let fd = Glibc.open(directory + "/" + key, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            forget(key)
            return nil
        }
        // UTIME_NOW and UTIME_OMIT, which Swift's Glibc does not import.
        var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 1), timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2)]
        futimens(fd, &times)
        var info = stat()
        fstat(fd, &info)
        index.withLock { index in
            let use = index.tick()
            index.entries[key]?.lastUse = use
        }
        return ArchiveFile(fd: fd, size: Int(info.st_size))
    }

    /// A writer for `key`'s archive under a temporary name; nil when the
    /// file cannot be created.
    package func writer(for key: String) -> ArchiveCacheWriter? {
        let serial = index.withLock { index in
            index.temporaries += 1
            return index.temporaries
        }
        let temporary = directory + "/" + Self.temporaryPrefix + key + "-\(getpid())-\(serial)"
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        return ArchiveCacheWriter(cache: self, key: key, temporary: temporary, fd: fd)
    }

    /// Moves a complete temporary file into place and evicts down to the
    /// limit; one larger than the whole limit is not kept.
    fileprivate func admit(_ key: String, temporary: String, size: Int) {
        guard size <= limit, rename(temporary, directory + "/" + key) == 0 else {
            unlink(temporary)
            return
        }
        index.withLock { index in
            index.total += size - (index.entries[key]?.size ?? 0)
            index.entries[key] = Entry(size: size, lastUse: index.tick())
        }
        evict()
    }

    private func forget(_ key: String) {
        index.withLock { index in
            if let entry = index.entries.removeValue(forKey: key) { index.total -= entry.size }
        }
    }

    /// Removes least recently used archives until the total fits.
    private func evict() {
        let victims: [String] = index.withLock { index in
            var chosen: [String] = []
            while index.total > limit, let oldest = index.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                index.entries.removeValue(forKey: oldest.key)
                index.total -= oldest.value.size
                chosen.append(oldest.key)
            }
            return chosen
        }
        for key in victims { unlink(directory + "/" + key) }
    }
}

/// One archive being written into the cache while it is sent. A write
/// error or growing past the cache's limit drops it quietly.
package final class ArchiveCacheWriter {
    private let cache: ArchiveCache
    private let key: String
    private let temporary: String
    private var fd: Int32
    private var written = 0

    fileprivate init(cache: ArchiveCache, key: String, temporary: String, fd: Int32) {
        self.cache = cache
        self.key = key
        self.temporary = temporary
        self.fd = fd
    }

    package func write(_ bytes: [UInt8]) {
        guard fd >= 0 else { return }
        written += bytes.count
        if written > cache.limit || !FileSystem.writeAll(fd, bytes) { abandon() }
    }

    /// The archive is complete: it goes into the cache.
    package func finish() {
        guard fd >= 0 else { return }
        let closed = close(fd)
        fd = -1
        if closed == 0 { cache.admit(key, temporary: temporary, size: written) } else { unlink(temporary) }
    }

    /// The archive is incomplete (git failed, the client left): dropped.
    package func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporary)
    }

    deinit { abandon() }
}

/// A kept archive, open for reading; closed when released.
package final class ArchiveFile: Sendable {
    package let size: Int
    private let fd: Int32

    fileprivate init(fd: Int32, size: Int) {
        self.fd = fd
        self.size = size
    }

    /// Hands the file to `consume` in chunks of `chunkSize` bytes.
    package func stream(chunkSize: Int = 1 << 18, _ consume: ([UInt8]) async throws -> Void) async throws {
        var offset = 0
        while offset < size {
            var chunk = [UInt8](repeating: 0, count: min(chunkSize, size - offset))
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ArchiveSource.Failure(description: "cached archive ended early: \(FileSystem.errorDescription())") }
            if count < chunk.count { chunk.removeSubrange(count...) }
            offset += count
            try await consume(chunk)
        }
    }

    deinit { close(fd) }
}
