import Glibc

/// `[fsck]` of the config, typed, with the contract's defaults.
package struct FsckSettings: Sendable {
    /// How `precious` treats `extensions.preciousObjects`.
    package enum PreciousMode: String, Sendable {
        /// Off while repacking; back on afterwards where it was on, and on
        /// objstore repos and repos others borrow from.
        case yes
        /// Off while repacking, never turned back on.
        case no
        /// Never off: repacks keep every object (no `-d`), wait for the check
        /// schedule and are full.
        case always
    }

    package var frequency: Int
    package var statusFile: String
    package var ignoreErrors: [String]
    package var recloneOnErrors: [String]
    package var repack: Bool
    package var extraRepackFlags: [String]
    package var extraRepackFlagsFull: [String]
    package var commitGraph: Bool
    package var prune: Bool
    package var precious: PreciousMode
    package var reportTo: String
    package var reportFrom: String
    package var reportSubject: String?
    package var reportMailhost: String
    /// Gitdir globs whose heads other forks negotiate against.
    package var baselines: [Glob]
    /// Gitdir globs whose objects anchor an objstore's delta islands.
    package var islandCores: [Glob]
    package var mergeStrategy: ObjectStoreUpkeep.MergeStrategy
    /// Where `<forkgroup>.bundle` goes after an objstore's full repack.
    package var preloadBundleDirectory: String?

    /// grokmirror's example config values, used when the key is absent (the
    /// reference, given no value, matched every line instead).
    package static let defaultIgnoreErrors = ["notice:", "warning: disabling bitmap writing", "ignoring extra bitmap file",
                                             "missingTaggerEntry", "missingSpaceBeforeDate"]
    package static let defaultRecloneOnErrors = ["fatal: bad tree object", "fatal: Failed to traverse parents", "missing commit",
                                                "missing blob", "missing tree", "broken link"]

    package init(config: GrokConfig) throws(ConfigError) {
        guard let statusFile = try config.string("fsck", "statusfile"), !statusFile.isEmpty else {
            throw .missingKey(path: config.path, section: "fsck", key: "statusfile")
        }
        self.statusFile = GrokConfig.expandUser(statusFile)
        // The two files share a format (a JSON object keyed by path): one
        // would overwrite the other.
        if ExactKey(PathUtilities.realpath(self.statusFile)) == ExactKey(PathUtilities.realpath(config.core.manifest)) {
            throw .badValue(path: config.path, section: "fsck", key: "statusfile", value: statusFile, expected: "a file other than the manifest")
        }
        frequency = try config.int("fsck", "frequency", default: 30)
        guard frequency >= 1 else {
            throw .badValue(path: config.path, section: "fsck", key: "frequency", value: String(frequency), expected: "a number of days, at least 1")
        }
        ignoreErrors = try config.string("fsck", "ignore_errors") == nil ? Self.defaultIgnoreErrors : try config.lines("fsck", "ignore_errors")
        recloneOnErrors = try config.string("fsck", "reclone_on_errors") == nil ? Self.defaultRecloneOnErrors : try config.lines("fsck", "reclone_on_errors")
        repack = try config.bool("fsck", "repack", default: true)
        extraRepackFlags = ShellWords.whitespaceSplit(try config.string("fsck", "extra_repack_flags", default: ""))
        extraRepackFlagsFull = ShellWords.whitespaceSplit(try config.string("fsck", "extra_repack_flags_full", default: ""))
        commitGraph = try config.bool("fsck", "commitgraph", default: true)
        prune = try config.bool("fsck", "prune", default: true)
        let preciousValue = try config.string("fsck", "precious", default: "yes").lowercased()
        switch preciousValue {
        case "always": precious = .always
        case "1", "yes", "true", "on": precious = .yes
        case "0", "no", "false", "off": precious = .no
        default:
            throw .badValue(path: config.path, section: "fsck", key: "precious", value: preciousValue, expected: "yes, no or always")
        }
        reportTo = try config.string("fsck", "report_to", default: "root")
        reportFrom = try config.string("fsck", "report_from", default: "root")
        reportSubject = try config.string("fsck", "report_subject").flatMap { $0.isEmpty ? nil : $0 }
        reportMailhost = try config.string("fsck", "report_mailhost", default: "localhost")
        baselines = try config.globs("fsck", "baselines")
        islandCores = try config.globs("fsck", "islandcores")
        let strategy = try config.string("fsck", "obstrepo_merge_strategy", default: "exact").lowercased()
        guard let mergeStrategy = ObjectStoreUpkeep.MergeStrategy(rawValue: strategy) else {
            throw .badValue(path: config.path, section: "fsck", key: "obstrepo_merge_strategy", value: strategy, expected: "exact, loose or blobs")
        }
        self.mergeStrategy = mergeStrategy
        preloadBundleDirectory = try config.string("fsck", "preload_bundle_outdir").flatMap { $0.isEmpty ? nil : GrokConfig.expandUser($0) }
    }
}
