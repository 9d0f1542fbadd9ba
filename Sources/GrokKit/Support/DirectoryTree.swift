import Glibc

/// Deletes directory trees by file descriptor: names go from `readdir` to
/// `unlinkat` as bytes, and no symlink is ever followed.
///
/// Why: a path string cannot spell a name that is not UTF-8 (Swift repairs
/// it to U+FFFD), so deleting by rebuilt paths left such files, and the
/// directories holding them, behind; and walking by fd keeps a symlink
/// swapped in mid-walk from sending the deletion elsewhere.
package enum DirectoryTree {
    /// Removes `path` and everything below it (a symlink is only unlinked).
    /// What cannot be removed stays; nothing outside the tree is touched.
    package static func remove(_ path: String) {
        let parent = PathUtilities.dirname(path)
        let fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        removeEntry(PathUtilities.basename(path), in: fd)
    }

    /// Removes everything inside the directory `path` except the entries
    /// named in `keeping` (compared by bytes).
    package static func removeContents(of path: String, keeping: Set<ExactKey> = []) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        removeContents(of: fd, keeping: keeping)
    }

    private static func removeContents(of directory: Int32, keeping: Set<ExactKey>) {
        for name in names(in: directory) {
            if !keeping.isEmpty, let text = String(validating: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self),
               keeping.contains(ExactKey(text)) { continue }
            removeEntry(name, in: directory)
        }
    }

    private static func removeEntry(_ name: String, in directory: Int32) {
        removeEntry(Array(name.utf8CString), in: directory)
    }

    /// `name` is NUL-terminated.
    private static func removeEntry(_ name: [CChar], in directory: Int32) {
        if unlinkat(directory, name, 0) == 0 || errno == ENOENT { return }
        let fd = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        removeContents(of: fd, keeping: [])
        close(fd)
        unlinkat(directory, name, AT_REMOVEDIR)
    }

    /// The NUL-terminated names in an open directory, without `.` and `..`,
    /// read in full before anything is removed.
    private static func names(in directory: Int32) -> [[CChar]] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var result: [[CChar]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.bindMemory(to: CChar.self).prefix { $0 != 0 }) + [0]
            }
            if name == [46, 0] || name == [46, 46, 0] { continue }
            result.append(name)
        }
        return result
    }
}
