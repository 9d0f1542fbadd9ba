import Glibc

/// Path arithmetic with the semantics of Python's `os.path`, because
/// manifest keys must come out exactly as grokmirror computes them.
///
/// Everything works on bytes, as Python works on code points: a `/`
/// followed by a combining mark is one Swift `Character` but still a
/// separator, and canonically equivalent spellings (NFC, NFD) of a name
/// are different paths (`ExactKey`).
package enum PathUtilities {
    private static let slash = UInt8(ascii: "/")

    /// The non-empty components between `/` bytes.
    static func components(_ path: String) -> [String] {
        path.utf8.split(separator: slash).map { String(decoding: $0, as: UTF8.self) }
    }

    static func isAbsolute(_ path: String) -> Bool { path.utf8.first == slash }
    /// `os.path.normpath` for absolute or relative paths.
    package static func normalize(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let absolute = isAbsolute(path)
        var parts: [String] = []
        for component in components(path) {
            if component == "." { continue }
            if component == ".." {
                if let last = parts.last, last != ".." { parts.removeLast(); continue }
                if absolute { continue }
            }
            parts.append(component)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    package static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `os.path.abspath`.
    package static func absolute(_ path: String) -> String {
        normalize(isAbsolute(path) ? path : currentDirectory() + "/" + path)
    }

    /// `os.path.join(base, child)`: an empty base (the dirname of a bare
    /// relative name) leaves `child` relative, never under `/`.
    package static func join(_ base: String, _ child: String) -> String {
        if isAbsolute(child) || base.isEmpty { return child }
        return base.utf8.last == slash ? base + child : base + "/" + child
    }

    /// `.NAME<suffix>` beside `path` (`/srv/m/.manifest.js.gz.push` for
    /// `/srv/m/manifest.js.gz`): where grokmirror and we keep a file's lock
    /// and state files. A bare relative name gets a relative sibling.
    package static func hiddenSibling(of path: String, suffix: String) -> String {
        join(dirname(path), "." + basename(path) + suffix)
    }

    package static func basename(_ path: String) -> String {
        let bytes = path.utf8
        guard let last = bytes.lastIndex(of: slash) else { return path }
        return String(decoding: bytes[bytes.index(after: last)...], as: UTF8.self)
    }

    package static func dirname(_ path: String) -> String {
        let bytes = path.utf8
        guard let last = bytes.lastIndex(of: slash) else { return "" }
        return last == bytes.startIndex ? "/" : String(decoding: bytes[..<last], as: UTF8.self)
    }

    /// `os.path.relpath(path, start)`.
    package static func relative(_ path: String, to start: String) -> String {
        let target = components(absolute(path))
        let base = components(absolute(start))
        var common = 0
        while common < target.count, common < base.count, target[common].utf8.elementsEqual(base[common].utf8) { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        let rest = target[common...]
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Whether `path` is `root` itself or lies below it (both normalized).
    package static func isInside(_ path: String, root: String) -> Bool {
        path.utf8.elementsEqual(root.utf8) || path.utf8.starts(with: (root == "/" ? "/" : root + "/").utf8)
    }

    /// `os.path.realpath`: resolves every symlink of the existing prefix and
    /// keeps a non-existent remainder as it is, like Python (and unlike
    /// realpath(3), which fails on it).
    package static func realpath(_ path: String) -> String {
        // realpath(3) resolves an existing path the same way, in C: grok-fsck
        // asks for thousands of realpaths per run.
        if !path.isEmpty, let resolved = Glibc.realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var resolved = ""
        var pending = components(absolute(path))
        pending.reverse()
        var linksFollowed = 0
        // Below a missing directory nothing exists: no syscall is spent on
        // it, so a deep missing path costs one failing call, not one per level.
        var missing = false
        while let component = pending.popLast() {
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                resolved = dirname(resolved.isEmpty ? "/" : resolved)
                if resolved == "/" { resolved = "" }
                missing = false
                continue
            }
            let candidate = resolved + "/" + component
            var link: String? = nil
            if !missing && linksFollowed < 40 {
                link = readLink(candidate)
                if link == nil && (errno == ENOENT || errno == ENOTDIR) { missing = true }
            }
            guard let target = link else {
                resolved = candidate
                continue
            }
            linksFollowed += 1
            if isAbsolute(target) { resolved = "" }
            pending.append(contentsOf: components(target).reversed())
        }
        return resolved.isEmpty ? "/" : resolved
    }

    package static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = Glibc.readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
