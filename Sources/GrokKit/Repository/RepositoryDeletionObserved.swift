extension RepositoryDeletion.Observed {
    /// Looks at `path` without following it when it is a symlink.
    /// `remoteName` is the mirror's remote (`[pull] remotename`), nil when
    /// the caller does not ask about it. `lenders` is a `BorrowerMap.scan`,
    /// empty when the caller did not scan: the repository's borrowers are
    /// looked up in it, and what it could not see makes `unseen`. Walks the
    /// directory for nested repositories (what that walk cannot see makes
    /// `unseen` too), so call it for deletion candidates only.
    package static func at(_ path: String, remoteName: String? = nil, lenders: BorrowerMap = BorrowerMap()) -> Self {
        switch FileSystem.kind(path) {
        case .missing: return Self(kind: .missing)
        case .symlink: return Self(kind: .symlink)
        case .directory where BareRepository.isBare(path):
            let remotes = remoteName == nil ? [] : (GitConfigFile.read(gitDir: path)?.remotes ?? [])
            let below = RepositoryWalker(excludeObjectStores: false).walk(under: path)
            var observed = Self(kind: .bareRepository, hasMirrorRemote: remotes.contains { $0.name == remoteName },
                                holdsRepositories: !below.found.isEmpty, isObjectStore: BareRepository.isObjectStore(path),
                                borrowers: lenders.sortedBorrowers(of: PathUtilities.realpath(path)))
            observed.unseen = (below.unseen + lenders.unseen).first
            observed.hasRecloneMarker = FileSystem.exists(path + "/" + MarkerFile.reclone)
            return observed
        default: return Self(kind: .other)
        }
    }
}
