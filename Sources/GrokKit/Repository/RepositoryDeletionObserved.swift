extension RepositoryDeletion.Observed {
    /// Looks at `path` without following it when it is a symlink.
    /// `remoteName` is the mirror's remote (`[pull] remotename`), nil when
    /// the caller does not ask about it. `lenders` is a `BorrowerMap.scan`,
    /// empty when the caller did not scan: the repository's borrowers are
    /// looked up in it. Walks the
    /// directory for nested repositories, so call it for deletion
    /// candidates only.
    public static func at(_ path: String, remoteName: String? = nil, lenders: BorrowerMap = BorrowerMap()) -> Self {
        switch FileSystem.kind(path) {
        case .missing: return Self(kind: .missing)
        case .symlink: return Self(kind: .symlink)
        case .directory where BareRepository.isBare(path):
            let remotes = remoteName == nil ? [] : (GitConfigFile.read(gitDir: path)?.remotes ?? [])
            return Self(kind: .bareRepository, hasMirrorRemote: remotes.contains { $0.name == remoteName },
                        holdsRepositories: !RepositoryWalker(excludeObjectStores: false).findAll(under: path).isEmpty,
                        isObjectStore: BareRepository.isObjectStore(path),
                        borrowers: lenders.sortedBorrowers(of: PathUtilities.realpath(path)))
        default: return Self(kind: .other)
        }
    }
}
