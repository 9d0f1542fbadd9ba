/// The objstore settings grok-fsck runs with, made from its config here so
/// that ObjectStorage knows nothing of grok-fsck (folders depend one way).
extension ObjectStoreMigration.Settings {
    /// grok-fsck's: `[fsck] baselines` and `[core] private`;
    /// `objstore` is `[core] objstore` as a realpath.
    init(objstore: String, core: GrokConfig.Core, fsck: FsckSettings) {
        self.init(objstore: objstore, toplevel: core.toplevel)
        baselines = fsck.baselines
        privateRepos = core.privateRepos
    }
}

extension ObjectStoreUpkeep.Settings {
    /// grok-fsck's: `[fsck] baselines`, `islandcores` and
    /// `obstrepo_merge_strategy`, `[core] objstore_uses_plumbing`;
    /// `objstore` is `[core] objstore` as a realpath.
    init(objstore: String, core: GrokConfig.Core, fsck: FsckSettings) {
        self.init(objstore: objstore, toplevel: core.toplevel)
        baselines = fsck.baselines
        islandCores = fsck.islandCores
        mergeStrategy = fsck.mergeStrategy
        plumbing = core.objstoreUsesPlumbing
    }
}
