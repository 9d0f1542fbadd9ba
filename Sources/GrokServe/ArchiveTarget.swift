import Glibc
import GrokKit

/// What an archive request names: a repository, a revision (not yet
/// validated) and a format. Two forms:
/// `/<gitdir>/archive/<rev>.<format>` (the revision may contain `/`), and
/// gitmirror's `/<gitdir without .git>.tar.gz?rev=<rev>`.
struct ArchiveTarget: Equatable {
    var gitdir: String
    var revision: String
    var format: ArchiveFormat

    /// The readings of a decoded path (see `RequestPath`), most plausible
    /// first: the gitdir may itself contain `/archive/`, so each split is a
    /// candidate, and the request names the first that is a repository.
    static func candidates(path: String, rev: String?, formats: [ArchiveFormat]) -> [ArchiveTarget] {
        if let rev {
            guard formats.contains(.tarGz), path.hasSuffix(".tar.gz"), path.utf8.count > 8 else { return [] }
            let base = String(path.dropLast(7))
            return [ArchiveTarget(gitdir: base + ".git", revision: rev, format: .tarGz), ArchiveTarget(gitdir: base, revision: rev, format: .tarGz)]
        }
        var found: [ArchiveTarget] = []
        var searchFrom = path.startIndex
        while let marker = path.range(of: "/archive/", range: searchFrom..<path.endIndex) {
            let gitdir = String(path[..<marker.lowerBound])
            if !gitdir.isEmpty, let split = ArchiveFormat.split(String(path[marker.upperBound...]), allowed: formats) {
                found.append(ArchiveTarget(gitdir: gitdir, revision: split.revision, format: split.format))
            }
            searchFrom = path.index(after: marker.lowerBound)
        }
        return found
    }
}

/// Where served repositories are on disk. A gitdir is served when
/// `[serve]` include/exclude and `core.private` allow both the name asked
/// for and the one it resolves to (so a symlink cannot reach a private
/// repository), the resolved directory lies inside toplevel (no symlink
/// out of the mirror), and it is a git repository.
struct ServedRepositories: Sendable {
    let settings: ServeSettings
    let toplevel: String

    init(settings: ServeSettings) {
        self.settings = settings
        toplevel = PathUtilities.realpath(settings.toplevel)
    }

    /// The repository's real path, or nil when it is not served.
    func locate(_ gitdir: String) -> String? {
        guard gitdir.hasPrefix("/"), settings.serves(gitdir) else { return nil }
        let real = PathUtilities.realpath(toplevel + gitdir)
        guard real != toplevel, PathUtilities.isInside(real, root: toplevel) else { return nil }
        let resolvedName = toplevel == "/" ? real : String(real.dropFirst(toplevel.count))
        guard settings.serves(resolvedName), FileSystem.isFile(real + "/HEAD"), FileSystem.isDirectory(real + "/objects") else { return nil }
        return real
    }
}
