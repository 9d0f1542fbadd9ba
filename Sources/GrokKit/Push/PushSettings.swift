import Glibc

/// What grok-push reads from the config: the `[push.*]` destinations, and
/// from `[core]` and `[pull]` the tree, the local manifest and how many
/// repositories to push at once (`pull_threads`). `[remote]` is not
/// required: an origin that only pushes has none.
package struct PushSettings: Sendable {
    package var destinations: [PushDestination]
    package var toplevel: String
    package var manifest: String
    package var privateRepos: [Glob]
    package var threads: Int

    package init(config: GrokConfig) throws(ConfigError) {
        destinations = try PushDestination.all(in: config)
        guard !destinations.isEmpty else {
            throw .missingSection(path: config.path, section: PushDestination.sectionPrefix + "NAME")
        }
        let core = config.core
        toplevel = core.toplevel
        manifest = core.manifest
        privateRepos = core.privateRepos
        let configured = try config.int("pull", "pull_threads", default: 0)
        threads = configured >= 1 ? configured : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) / 2)
    }
}
