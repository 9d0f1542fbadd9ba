import Glibc

/// Path arithmetic with the semantics of Python's `os.path`, because
/// manifest keys must come out exactly as grokmirror computes them.
public enum PathUtilities {
    /// `os.path.normpath` for absolute or relative paths.
    public static func normalize(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
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

    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `os.path.abspath`.
    public static func absolute(_ path: String) -> String {
        normalize(path.hasPrefix("/") ? path : currentDirectory() + "/" + path)
    }

    public static func join(_ base: String, _ child: String) -> String {
        if child.hasPrefix("/") { return child }
        return base.hasSuffix("/") ? base + child : base + "/" + child
    }

    public static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let head = String(path[..<slash])
        return head.isEmpty ? "/" : head
    }

    /// `os.path.relpath(path, start)`.
    public static func relative(_ path: String, to start: String) -> String {
        let target = absolute(path).split(separator: "/")
        let base = absolute(start).split(separator: "/")
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        let rest = target[common...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Whether `path` is `root` itself or lies below it (both normalized).
    public static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// `os.path.realpath`: resolves every symlink of the existing prefix and
    /// keeps a non-existent remainder as it is, like Python (and unlike
    /// realpath(3), which fails on it).
    public static func realpath(_ path: String) -> String {
        // realpath(3) resolves an existing path the same way, in C: grok-fsck
        // asks for thousands of realpaths per run.
        if !path.isEmpty, let resolved = Glibc.realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var resolved = ""
        var pending = absolute(path).split(separator: "/").map(String.init)
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
            if target.hasPrefix("/") { resolved = "" }
            pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
        }
        return resolved.isEmpty ? "/" : resolved
    }

    public static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = Glibc.readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
