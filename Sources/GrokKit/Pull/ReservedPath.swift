/// A path under toplevel that the tools keep for themselves, in gitdir form
/// (`/` + its path relative to toplevel), with what it is for. A remote
/// manifest entry whose gitdir or symlink is such a path, lies inside it or
/// holds it would have grok-pull clone over a file the tools need (a
/// statusfile turned into a directory makes every grok-fsck run fail), or
/// purge one; `RemoteEntryValidator` rejects those entries by name.
package struct ReservedPath: Sendable, Equatable {
    /// The path relative to toplevel with a leading `/`.
    package let gitdir: Gitdir
    /// What the tools keep there, for messages ("the fsck statusfile").
    package let role: String

    package init(gitdir: Gitdir, role: String) {
        self.gitdir = gitdir
        self.role = role
    }

    /// Why `path` (a clean gitdir or symlink) may not be used, or nil.
    package func conflict(with path: Gitdir) -> String? {
        if path == gitdir { return "it is \(role)" }
        if path.isAtOrBelow(gitdir) { return "it lies inside \(gitdir), \(role)" }
        if gitdir.isAtOrBelow(path) { return "it would hold \(gitdir), \(role)" }
        return nil
    }

    /// Every file and directory the configuration places inside toplevel:
    /// the local manifest with its lock, `.remote` status, fingerprint
    /// stamps, push state and status database; the objstore directory; the log file; projects.list; the pull
    /// socket; the fsck statusfile with its lock and journal; the preload
    /// bundle directory. Paths are resolved as the tools open them (symlinks
    /// followed, relative paths from the working directory); those outside
    /// toplevel, and keys that are unset or unreadable, are left out.
    package static func all(in config: GrokConfig) -> [ReservedPath] {
        let core = config.core
        func value(_ section: String, _ key: String) -> String? {
            guard let text = (try? config.string(section, key)) ?? nil, !text.isEmpty else { return nil }
            return GrokConfig.expandUser(text)
        }
        var paths: [(String, String)] = [
            (core.manifest, "the local manifest"),
            (FileLock.lockPath(for: core.manifest), "the local manifest's lock"),
            (RemoteManifestStatus.path(forLocalManifest: core.manifest), "the remote manifest status file"),
            (FingerprintStampCache(manifestPath: core.manifest).path, "the manifest's fingerprint stamps"),
            (PushStateStore.path(forLocalManifest: core.manifest), "the push state"),
            (FileLock.lockPath(for: PushStateStore.path(forLocalManifest: core.manifest)), "the push state's lock"),
            (StatusStore.path(forLocalManifest: core.manifest), "the status database"),
            (StatusStore.path(forLocalManifest: core.manifest) + "-wal", "the status database's log"),
            (StatusStore.path(forLocalManifest: core.manifest) + "-shm", "the status database's index"),
            (core.objstore, "the objstore directory"),
        ]
        if let log = core.log { paths.append((log, "the log file")) }
        if let list = value("pull", "projectslist") { paths.append((list, "the projects list")) }
        if let socket = value("pull", "socket") { paths.append((socket, "the pull socket")) }
        if let status = value("fsck", "statusfile") {
            paths.append((status, "the fsck statusfile"))
            paths.append((FileLock.lockPath(for: status), "the fsck statusfile's lock"))
            paths.append((FsckStatusJournal(statusFile: status).path, "the fsck statusfile's journal"))
        }
        if let bundles = value("fsck", "preload_bundle_outdir") { paths.append((bundles, "the preload bundle directory")) }
        return paths.compactMap { path, role in
            Gitdir.of(fullpath: PathUtilities.realpath(path), toplevel: core.toplevel)
                .map { ReservedPath(gitdir: $0, role: role) }
        }
    }
}
