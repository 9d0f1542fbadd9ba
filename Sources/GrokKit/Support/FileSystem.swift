import Glibc

/// The few filesystem queries and reads the tools make, as thin wrappers
/// over POSIX calls: Foundation's FileManager costs far more per call, and
/// the walk over thousands of repositories is dominated by these.
package enum FileSystem {
    package enum Kind: Sendable { case missing, file, directory, symlink, other }

    /// The kind of `path` without following a final symlink.
    package static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        return kind(of: info.st_mode)
    }

    /// The kind of what `path` resolves to.
    package static func resolvedKind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return kind(of: info.st_mode)
    }

    private static func kind(of mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
    package static func isDirectory(_ path: String) -> Bool { resolvedKind(path) == .directory }
    package static func isFile(_ path: String) -> Bool { resolvedKind(path) == .file }
    package static func isSymlink(_ path: String) -> Bool { kind(path) == .symlink }

    package static func modificationTime(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mtim.tv_sec)
    }

    /// The whole content of a regular file, or nil when it cannot be read
    /// (or is larger than `limit`).
    package static func read(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return nil }
        // Sized by fstat, grown if the file grows while we read it.
        var result = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == result.count {
                guard result.count <= limit else { return nil }
                result.append(contentsOf: repeatElement(0, count: max(result.count, 4096)))
            }
            let count = result.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { return nil }
        result.removeSubrange(filled...)
        return result
    }

    package static func readString(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Names in a directory, without `.` and `..`, in readdir order; a
    /// name that is not UTF-8 comes repaired (U+FFFD), so it names no file.
    package static func listDirectory(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    /// What `listDirectoryEntries` found: the names that are UTF-8, and the
    /// directories whose name is not (repaired to U+FFFD, so they name no
    /// file; no path string can reach what lies below them).
    package struct Entries: Sendable {
        package var names: [String] = []
        package var undecodableDirectories: [String] = []
    }

    /// Like `listDirectory`, setting apart directories whose name is not
    /// UTF-8 (told by `d_type`, or `fstatat` on the raw name when the
    /// filesystem does not say); files with such names are left out.
    package static func listDirectoryEntries(_ path: String) -> Entries? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var entries = Entries()
        while let entry = readdir(dir) {
            let type = entry.pointee.d_type
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let cString = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                if let exact = String(validatingCString: cString) {
                    if exact != "." && exact != ".." { entries.names.append(exact) }
                } else if type == DT_DIR || (type == DT_UNKNOWN && isDirectory(cString, in: dirfd(dir))) {
                    entries.undecodableDirectories.append(String(cString: cString))
                }
            }
        }
        return entries
    }

    private static func isDirectory(_ name: UnsafePointer<CChar>, in directory: Int32) -> Bool {
        var info = stat()
        return fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`: true when the directory exists afterwards.
    package static func makeDirectories(_ path: String) -> Bool {
        if isDirectory(path) { return true }
        let parent = PathUtilities.dirname(path)
        if parent != path { _ = makeDirectories(parent) }
        return mkdir(path, 0o777) == 0 || errno == EEXIST
    }

    /// Writes a small file in place (marker files such as
    /// `grokmirror.fingerprint`, which grokmirror also writes in place).
    @discardableResult
    package static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o666) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return writeAll(fd, bytes)
    }

    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }

    package static func errorDescription(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    package static func currentUmask() -> mode_t {
        let mask = umask(0)
        umask(mask)
        return mask
    }
}
