import Glibc

/// Guards every create, replace and delete grok-pull makes: the path must
/// lie inside toplevel once every symlink in its parent directories is
/// resolved, so no manifest entry can steer a write or a deletion outside
/// the mirror (grokmirror 2.0.12 deletes outside toplevel for
/// `"symlinks": ["/../x"]`).
public struct ContainedPath: Sendable, Equatable {
    public let toplevel: String
    /// toplevel + gitdir, lexically.
    public let path: String

    public struct Escape: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path) resolves outside toplevel; refusing to touch it" }
    }

    /// `gitdir` must already be clean (see `RemoteEntryValidator`), and
    /// toplevel + gitdir shorter than PATH_MAX.
    public init(toplevel: String, gitdir: String) throws(Escape) {
        let path = toplevel + gitdir
        guard RemoteEntryValidator.isCleanGitdir(gitdir), path.utf8.count <= RemoteEntryValidator.maximumBytes,
              PathUtilities.isInside(PathUtilities.realpath(PathUtilities.dirname(path)), root: toplevel) else {
            throw Escape(path: path)
        }
        self.toplevel = toplevel
        self.path = path
    }

    /// Creates the parent directories. The deepest existing ancestor must
    /// resolve inside toplevel; each directory created below it must then
    /// be a real directory (not a symlink raced into its place), so the
    /// cost is one resolution plus one `mkdir` and one `lstat` per level,
    /// linear in the depth (it was one full resolution per level: 2.4 s
    /// for 500 levels). Throws `Escape` naming the offending directory.
    public func createParents() throws(Escape) {
        var missing: [String] = []
        var directory = PathUtilities.dirname(path)
        while !FileSystem.exists(directory), directory != toplevel, directory != "/" {
            missing.append(PathUtilities.basename(directory))
            directory = PathUtilities.dirname(directory)
        }
        guard PathUtilities.isInside(PathUtilities.realpath(directory), root: toplevel) else { throw Escape(path: directory) }
        for name in missing.reversed() {
            directory += "/" + name
            mkdir(directory, 0o777)
            guard FileSystem.kind(directory) == .directory else { throw Escape(path: directory) }
        }
    }

    /// Deletes the path: a symlink is unlinked (never followed), a directory
    /// removed with everything below it, without following symlinks inside.
    public func remove() throws(Escape) {
        guard PathUtilities.isInside(PathUtilities.realpath(PathUtilities.dirname(path)), root: toplevel) else { throw Escape(path: path) }
        Self.removeTree(path)
    }

    static func removeTree(_ path: String) {
        if FileSystem.kind(path) == .directory {
            for name in FileSystem.listDirectory(path) ?? [] { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
