/// A manifest key: a repository's path below toplevel, starting with `/`
/// (`/pub/scm/git/git.git`), as the origin spelled it.
///
/// Two gitdirs are the same repository only when their bytes are equal
/// (`ExactKey`): an origin may hold `café.git` in NFC and in NFD side by
/// side, and a mirror must create, lock, fetch and purge both. Whether a
/// gitdir is safe to use as a path is `RemoteEntryValidator`'s concern.
package struct Gitdir: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    private let key: ExactKey

    package init(_ path: String) { key = ExactKey(path) }
    package init(stringLiteral path: String) { self.init(path) }
    package init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

    /// The path as written in the manifest.
    package var path: String { key.string }
    package var description: String { key.string }

    package static func < (lhs: Gitdir, rhs: Gitdir) -> Bool { lhs.key < rhs.key }

    /// The repository's full path on disk (`toplevel` without a trailing `/`).
    package func fullpath(in toplevel: String) -> String { toplevel + path }

    /// The manifest key of a full path: `/` + its path relative to
    /// toplevel; nil when it lies outside toplevel or is toplevel itself.
    package static func of(fullpath: String, toplevel: String) -> Gitdir? {
        let path = PathUtilities.normalize(fullpath)
        guard ExactKey(path) != ExactKey(toplevel), PathUtilities.isInside(path, root: toplevel) else { return nil }
        return Gitdir("/" + PathUtilities.relative(path, to: toplevel))
    }
}

extension Gitdir {
    /// Bytes a gitdir may have: less than PATH_MAX (4096, its NUL
    /// included), since no longer path can be opened.
    package static let maximumBytes = 4095
    /// Components a gitdir may have. Forges nest far less (kernel.org
    /// under 10 levels, GitLab allows 20 levels of subgroups); a deeper
    /// entry is hostile or broken, and costs work per level.
    package static let maximumDepth = 64
    /// Bytes a component may have (NAME_MAX).
    package static let maximumComponentBytes = 255

    /// Usable as a path below toplevel: absolute, normalized, no
    /// `.`/`..`/empty components, printable, not toplevel itself, and
    /// within `maximumBytes`, `maximumDepth` and `maximumComponentBytes`.
    package var isClean: Bool {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/"), bytes.count > 1, bytes.count <= Self.maximumBytes, bytes.last != UInt8(ascii: "/") else { return false }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        var depth = 0
        for component in bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            depth += 1
            guard depth <= Self.maximumDepth, component.count <= Self.maximumComponentBytes else { return false }
            if component.isEmpty || component.elementsEqual(".".utf8) || component.elementsEqual("..".utf8) { return false }
        }
        return true
    }
}

extension Array where Element == Glob {
    /// Whether any glob matches the gitdir (as grokmirror's fnmatch does, on
    /// the path string).
    package func anyMatches(_ gitdir: Gitdir) -> Bool { anyMatches(gitdir.path) }
}

extension Gitdir {
    /// Calls `body` with each directory above the gitdir, nearest first
    /// (`/a/b/c.git`: `/a/b`, then `/a`), until it returns false. Slashes
    /// are found in the bytes: a `/` followed by a combining mark is one
    /// `Character`, but still a path separator.
    package func forEachParent(_ body: (Gitdir) -> Bool) {
        let bytes = path.utf8
        var end = bytes.endIndex
        while let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")), slash != bytes.startIndex {
            guard body(Gitdir(String(decoding: bytes[..<slash], as: UTF8.self))) else { return }
            end = slash
        }
    }

    /// Whether this gitdir is `other` or lies below it.
    package func isAtOrBelow(_ other: Gitdir) -> Bool {
        PathUtilities.isInside(path, root: other.path)
    }
}
