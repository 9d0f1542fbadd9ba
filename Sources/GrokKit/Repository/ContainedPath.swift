import Glibc

/// Guards every create, replace and delete grok-pull makes: the path must
/// lie inside toplevel once every symlink in its parent directories is
/// resolved, so no manifest entry can steer a write or a deletion outside
/// the mirror (grokmirror 2.0.12 deletes outside toplevel for
/// `"symlinks": ["/../x"]`).
package struct ContainedPath: Sendable, Equatable {
    package let toplevel: String
    package let gitdir: Gitdir
    /// toplevel + gitdir, lexically.
    package let path: String

    package struct Escape: Error, CustomStringConvertible {
        package let path: String
        package var description: String { "\(path) resolves outside toplevel; refusing to touch it" }
    }

    /// `gitdir` must already be clean (see `RemoteEntryValidator`), and
    /// toplevel + gitdir shorter than PATH_MAX.
    package init(toplevel: String, gitdir: Gitdir) throws(Escape) {
        let path = gitdir.fullpath(in: toplevel)
        guard gitdir.isClean, path.utf8.count <= Gitdir.maximumBytes,
              PathUtilities.isInside(PathUtilities.realpath(PathUtilities.dirname(path)), root: toplevel) else {
            throw Escape(path: path)
        }
        self.toplevel = toplevel
        self.gitdir = gitdir
        self.path = path
    }

    /// Creates the parent directories. The deepest existing ancestor must
    /// resolve inside toplevel; each directory created below it must then
    /// be a real directory (not a symlink raced into its place), so the
    /// cost is one resolution plus one `mkdir` and one `lstat` per level,
    /// linear in the depth (it was one full resolution per level: 2.4 s
    /// for 500 levels). Throws `Escape` naming the offending directory.
    package func createParents() throws(Escape) {
        var missing: [String] = []
        var directory = PathUtilities.dirname(path)
        while !FileSystem.exists(directory), ExactKey(directory) != ExactKey(toplevel), directory != "/" {
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

    /// Why `remove` refused: the path resolves outside toplevel, or what
    /// stands there is not a symlink or a bare repository.
    package struct Refusal: Error, CustomStringConvertible {
        package let path: String
        package let reason: String
        package var description: String { "Not deleting \(path): \(reason)" }
    }

    /// Deletes the repository at the path: a symlink is unlinked (never
    /// followed), a bare repository removed with everything below it,
    /// without following symlinks inside; a missing path is left missing.
    /// Throws `Refusal`, deleting nothing, when the path resolves outside
    /// toplevel or holds anything else (a file, a plain directory), so no
    /// caller can delete data that is not a repository. Callers decide
    /// beforehand whether this repository may go (`RepositoryDeletion`).
    package func remove() throws(Refusal) {
        guard PathUtilities.isInside(PathUtilities.realpath(PathUtilities.dirname(path)), root: toplevel) else {
            throw Refusal(path: path, reason: "it resolves outside toplevel")
        }
        switch FileSystem.kind(path) {
        case .missing: return
        case .symlink: unlink(path)
        case .directory where BareRepository.isBare(path): Self.removeRepositoryTree(path)
        default: throw Refusal(path: path, reason: "it is not a bare repository or a symlink")
        }
    }

    /// Removes a bare repository so that, if interrupted, what is left
    /// still reads as one (and a later `remove` finishes it): everything
    /// else first, then the contents of objects/ and refs/, then HEAD.
    static func removeRepositoryTree(_ path: String) {
        let skeleton: Set<ExactKey> = [ExactKey("objects"), ExactKey("refs"), ExactKey("HEAD")]
        DirectoryTree.removeContents(of: path, keeping: skeleton)
        for directory in ["objects", "refs"] { DirectoryTree.removeContents(of: path + "/" + directory) }
        DirectoryTree.remove(path)
    }
}
