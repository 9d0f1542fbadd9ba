/// A manifest key: a repository's path below toplevel, starting with `/`
/// (`/pub/scm/git/git.git`), as the origin spelled it.
///
/// Two gitdirs are the same repository only when their bytes are equal
/// (`ExactKey`): an origin may hold `café.git` in NFC and in NFD side by
/// side, and a mirror must create, lock, fetch and purge both. Whether a
/// gitdir is safe to use as a path is `RemoteEntryValidator`'s concern.
public struct Gitdir: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    private let key: ExactKey

    public init(_ path: String) { key = ExactKey(path) }
    public init(stringLiteral path: String) { self.init(path) }
    public init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

    /// The path as written in the manifest.
    public var path: String { key.string }
    public var description: String { key.string }

    public static func < (lhs: Gitdir, rhs: Gitdir) -> Bool { lhs.key < rhs.key }

    /// The repository's full path on disk (`toplevel` without a trailing `/`).
    public func fullpath(in toplevel: String) -> String { toplevel + path }
}

extension Array where Element == Glob {
    /// Whether any glob matches the gitdir (as grokmirror's fnmatch does, on
    /// the path string).
    public func anyMatches(_ gitdir: Gitdir) -> Bool { anyMatches(gitdir.path) }
}

extension Gitdir {
    /// Calls `body` with each directory above the gitdir, nearest first
    /// (`/a/b/c.git`: `/a/b`, then `/a`), until it returns false. Slashes
    /// are found in the bytes: a `/` followed by a combining mark is one
    /// `Character`, but still a path separator.
    public func forEachParent(_ body: (Gitdir) -> Bool) {
        let bytes = path.utf8
        var end = bytes.endIndex
        while let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")), slash != bytes.startIndex {
            guard body(Gitdir(String(decoding: bytes[..<slash], as: UTF8.self))) else { return }
            end = slash
        }
    }

    /// Whether this gitdir is `other` or lies below it.
    public func isAtOrBelow(_ other: Gitdir) -> Bool {
        self == other || path.utf8.starts(with: other.path.utf8 + [UInt8(ascii: "/")])
    }
}
