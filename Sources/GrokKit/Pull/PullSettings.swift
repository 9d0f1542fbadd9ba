import Glibc

/// `[remote]` and `[pull]` of the config, typed, with the contract's defaults.
package struct PullSettings: Sendable {
    package var site: String
    package var manifestURL: String?
    package var manifestCommand: String?
    package var projectsList: String?
    package var projectsListTrimTop: String
    package var projectsListSymlinks: Bool
    package var postUpdateHooks: [String]
    package var postCloneCompleteHooks: [String]
    package var postWorkCompleteHooks: [String]
    package var purge: Bool
    package var noPurge: [Glob]
    package var purgeProtect: Int
    package var defaultOwner: String
    package var remoteName: String
    package var threads: Int
    package var retries: Int
    package var include: [Glob]
    package var exclude: [Glob]
    package var ffOnly: [Glob]
    package var refresh: Int?
    package var socket: String?
    package var extraRepackFlags: [String]
    /// Where objstore repositories live (`core.objstore`, resolved).
    package var objstore: String
    package var privateRepos: [Glob]
    package var objstoreUsesPlumbing: Bool
    /// `<url>/<forkgroup>.bundle` preloads a new, empty objstore repository.
    package var preloadBundleURL: String?
    /// The `[push.*]` destinations every updated repository is pushed to.
    package var destinations: [PushDestination]

    package init(config: GrokConfig) throws(ConfigError) {
        site = try config.string("remote", "site") ?? ""
        manifestURL = try config.string("remote", "manifest").flatMap { $0.isEmpty ? nil : $0 }
        manifestCommand = try config.string("remote", "manifest_command").flatMap { $0.isEmpty ? nil : $0 }
        projectsList = try config.string("pull", "projectslist").flatMap { $0.isEmpty ? nil : $0 }
        projectsListTrimTop = try config.string("pull", "projectslist_trimtop", default: "")
        projectsListSymlinks = try config.bool("pull", "projectslist_symlinks", default: false)
        postUpdateHooks = try config.lines("pull", "post_update_hook")
        postCloneCompleteHooks = try config.lines("pull", "post_clone_complete_hook")
        postWorkCompleteHooks = try config.lines("pull", "post_work_complete_hook")
        purge = try config.bool("pull", "purge", default: false)
        noPurge = try config.globs("pull", "nopurge")
        purgeProtect = try config.int("pull", "purgeprotect", default: 5)
        defaultOwner = try config.string("pull", "default_owner", default: "Grokmirror")
        remoteName = try config.string("pull", "remotename", default: "_grokmirror")
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let configuredThreads = try config.int("pull", "pull_threads", default: 0)
        threads = configuredThreads >= 1 ? configuredThreads : max(1, cpus / 2)
        retries = max(1, try config.int("pull", "retries", default: 3))
        let includes = try config.globs("pull", "include")
        include = includes.isEmpty ? [Glob("*")] : includes
        exclude = try config.globs("pull", "exclude")
        ffOnly = try config.globs("pull", "ffonly")
        let refreshValue = try config.int("pull", "refresh", default: 0)
        refresh = refreshValue > 0 ? refreshValue : nil
        socket = try config.string("pull", "socket").flatMap { $0.isEmpty ? nil : $0 }
        extraRepackFlags = ShellWords.whitespaceSplit(try config.string("fsck", "extra_repack_flags", default: ""))
        let core = config.core
        objstore = PathUtilities.realpath(core.objstore)
        privateRepos = core.privateRepos
        objstoreUsesPlumbing = core.objstoreUsesPlumbing
        preloadBundleURL = try config.string("remote", "preload_bundle_url").flatMap { $0.isEmpty ? nil : $0 }
        destinations = try PushDestination.all(in: config)
        guard manifestURL != nil || manifestCommand != nil else {
            throw .missingKey(path: config.path, section: "remote", key: "manifest")
        }
        guard !site.isEmpty else { throw .missingKey(path: config.path, section: "remote", key: "site") }
        if !(1...99).contains(purgeProtect) {
            throw .badValue(path: config.path, section: "pull", key: "purgeprotect", value: String(purgeProtect), expected: "a percentage between 1 and 99")
        }
    }

    /// The URL a repository is fetched from: site + gitdir.
    package func url(for gitdir: Gitdir) -> String {
        site.hasSuffix("/") ? site + gitdir.path.dropFirst() : site + gitdir.path
    }
}
