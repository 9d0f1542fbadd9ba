import Glibc

/// Finds every repository under a directory the way grokmirror's tree walk
/// does: directories (and symlinks to directories) that are bare repos are
/// reported and not descended into; a directory whose full path matches an
/// ignore glob is skipped with everything below it; objstore repositories
/// are left out when asked; symlinked directories are never descended into.
package struct RepositoryWalker: Sendable {
    package let ignore: [Glob]
    package let excludeObjectStores: Bool

    package init(ignore: [Glob] = [], excludeObjectStores: Bool = true) {
        self.ignore = ignore
        self.excludeObjectStores = excludeObjectStores
    }

    /// Full paths, as found (not resolved), sorted for a stable order.
    package func findAll(under toplevel: String) -> [String] { walk(under: toplevel).found }

    /// What one walk saw: repositories, and the directories it could not
    /// list (toplevel itself included), with their errno, so a caller can
    /// tell "gone" from "not seen".
    package struct Walk: Sendable {
        package var found: [String] = []
        package var unreadable: [String] = []
        package var errors: [String: Int32] = [:]
        /// Directories whose name is not UTF-8 (shown repaired): no
        /// manifest can name them exactly, so they are not looked into.
        package var undecodable: [String] = []

        /// What the walk could not see into: directories it could not list
        /// (but `lost+found`, which only root reads and nothing of ours is
        /// ever put in) and directories whose name is not UTF-8. A check
        /// that must prove the absence of something (a borrower, a nested
        /// repository) cannot when this is not empty.
        package var unseen: [String] {
            undecodable + unreadable.filter { PathUtilities.basename($0) != "lost+found" }
        }
    }

    package func walk(under toplevel: String) -> Walk {
        var result = Walk()
        var found: [String] = []
        var pending = [toplevel]
        while let directory = pending.popLast() {
            guard let listing = FileSystem.listDirectoryEntries(directory) else {
                result.unreadable.append(directory)
                result.errors[directory] = errno
                continue
            }
            let prefix = directory == "/" ? "/" : directory + "/"
            result.undecodable += listing.undecodableDirectories.map { prefix + $0 }.filter { ignore.isEmpty || !ignore.anyMatches($0) }
            for name in listing.names {
                let path = prefix + name
                let kind = FileSystem.kind(path)
                guard kind == .directory || (kind == .symlink && FileSystem.isDirectory(path)) else { continue }
                if !ignore.isEmpty && ignore.anyMatches(path) { continue }
                if BareRepository.isBare(path) {
                    if !(excludeObjectStores && BareRepository.isObjectStore(path)) { found.append(path) }
                    continue
                }
                if kind == .directory { pending.append(path) }
            }
        }
        result.found = found.sortedByBytes()
        result.unreadable = result.unreadable.sortedByBytes()
        return result
    }
}
