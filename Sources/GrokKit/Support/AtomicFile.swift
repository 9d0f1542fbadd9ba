import Glibc

/// Replaces a file atomically: temp file in the same directory, fsync, mode
/// 0666 minus umask, rename, fsync of the directory. Readers see the old or
/// the new content, never a mix; a crash leaves at worst a temp file that
/// the next write removes.
package enum AtomicFile {
    package struct Failure: Error, CustomStringConvertible {
        package let path: String
        package let reason: String
        package var description: String { "cannot write \(path): \(reason)" }
    }

    package static func temporaryPrefix(for path: String) -> String { "." + PathUtilities.basename(path) + ".tmp." }

    @discardableResult
    package static func write(_ bytes: [UInt8], to path: String, mtime: Int? = nil) -> Bool {
        (try? replace(path, with: bytes, mtime: mtime)) != nil
    }

    /// Removes the temp files that writers of `path` killed mid-write left.
    package static func removeStaleTemporaries(of path: String) {
        let absolute = PathUtilities.absolute(path)
        removeStaleTemporaries(of: [PathUtilities.basename(absolute)], in: PathUtilities.dirname(absolute))
    }

    /// Removes the temp files killed writers of any of `names` (files in
    /// `directory`) left, listing the directory once. Call it holding the
    /// lock of whatever owns those files.
    package static func removeStaleTemporaries(of names: [String], in directory: String) {
        let prefixes = names.map { temporaryPrefix(for: $0) }
        for name in FileSystem.listDirectory(directory) ?? [] where prefixes.contains(where: { name.hasPrefix($0) }) {
            unlink(PathUtilities.join(directory, name))
        }
    }

    /// `removeStaleTemporaries` lists the directory for temp files killed
    /// writers left; a caller replacing the same file repeatedly does that
    /// once. Without `syncDirectory` a power loss may undo the rename (the
    /// old content survives, whole), which a file rewritten after every step
    /// of a run can afford.
    package static func replace(_ path: String, with bytes: [UInt8], mtime: Int? = nil, removeStaleTemporaries: Bool = true,
                               syncDirectory: Bool = true) throws(Failure) {
        let directory = PathUtilities.dirname(PathUtilities.absolute(path))
        if removeStaleTemporaries { self.removeStaleTemporaries(of: path) }
        let temporary = PathUtilities.join(directory, temporaryPrefix(for: path) + String(getpid()))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, reason: FileSystem.errorDescription()) }
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
            throw Failure(path: path, reason: failure)
        }
        guard syncDirectory else { return }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }
}
