import Glibc

/// A digest of the file metadata a fingerprint depends on: `packed-refs`,
/// every entry under `refs/`, each object directory's `pack/` directory and
/// `info/alternates` file (the repository's and its alternates'), and the
/// loose-object fanout directories that held a ref's object. For each, the
/// inode, size, mode, and modification and change times (nanoseconds).
///
/// Why: on a Gerrit-sized repository (thousands of packed refs) reading the
/// refs and proving their objects present costs milliseconds per
/// repository, while git changes at least one of these stamps whenever
/// refs or packs change (refs and packs are replaced by rename, which gives
/// a new inode or a new directory time; ctime cannot be set back). Equal
/// stamps therefore mean an equal fingerprint, for a few `lstat` calls.
///
/// A stamp is refused (nil) where that reasoning does not hold: reftable,
/// an object directory set from the environment, an unreadable part, a
/// symlink among the stamped paths (its target's changes would not show), or
/// any time less than `racyMargin` seconds before `now`, since file times
/// are coarse and a change in the same tick would not move them (git's own
/// "racy git" rule for its index).
package enum RefsStamp {
    /// Seconds a time must lie before `now` for the stamp to be trusted.
    package static let racyMargin = 2

    /// The stamp of `gitDir`, or nil when it cannot be trusted. `salt` is
    /// mixed in (the ignore globs), `looseFanouts` are `"<index>/<xx>"`
    /// (index into `objectDirectories`), `now` is Unix seconds taken before
    /// the refs were read.
    package static func take(gitDir: String, objectDirectories: [String], looseFanouts: [String], salt: String, now: Int) -> String? {
        guard !FileSystem.exists(gitDir + "/reftable") else { return nil }
        var stamper = Stamper(oldestTrusted: now - racyMargin)
        stamper.hasher.update(salt)
        stamper.add(gitDir + "/packed-refs", name: "packed-refs")
        guard stamper.addTree(gitDir + "/refs", name: "refs") else { return nil }
        for (index, directory) in objectDirectories.enumerated() {
            stamper.add(directory + "/pack", name: "\(index) \(directory)/pack")
            stamper.add(directory + "/info/alternates", name: "\(index)/alternates")
        }
        for fanout in looseFanouts {
            guard let slash = fanout.firstIndex(of: "/"), let index = Int(fanout[..<slash]), objectDirectories.indices.contains(index) else { return nil }
            stamper.add(objectDirectories[index] + fanout[slash...], name: fanout)
        }
        return stamper.trusted ? stamper.hasher.hexDigest() : nil
    }

    private struct Stamper {
        let oldestTrusted: Int
        var hasher = SHA1()
        var trusted = true

        init(oldestTrusted: Int) { self.oldestTrusted = oldestTrusted }

        /// One path's metadata (or its absence) under `name`; true when it
        /// is a directory.
        @discardableResult
        mutating func add(_ path: String, name: String) -> Bool {
            var info = stat()
            hasher.update(name)
            guard lstat(path, &info) == 0 else {
                hasher.update(" -\n")
                return false
            }
            // A symlink's own times say nothing about what it points at.
            if (info.st_mode & S_IFMT) == S_IFLNK { trusted = false }
            if info.st_mtim.tv_sec >= oldestTrusted || info.st_ctim.tv_sec >= oldestTrusted { trusted = false }
            hasher.update(" \(info.st_ino) \(info.st_size) \(info.st_mode) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)\n")
            return (info.st_mode & S_IFMT) == S_IFDIR
        }

        /// A directory and everything below it, in name order, symlinks
        /// not followed. False when a directory cannot be listed.
        mutating func addTree(_ path: String, name: String) -> Bool {
            guard add(path, name: name) else { return true }
            guard let names = FileSystem.listDirectory(path) else { return false }
            for child in names.sorted() {
                guard addTree(path + "/" + child, name: name + "/" + child) else { return false }
            }
            return true
        }
    }
}
