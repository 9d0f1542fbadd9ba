import Glibc
import Testing
import TestSupport
@testable import GrokKit

/// Every key the tools read, with the value our parsed settings give it when
/// the config does not set it, against what grokmirror 2.0.12's code uses
/// then (its example config is not a default). A change to a default fails
/// here; a difference from the reference must be named, with its reason.
@Suite struct ConfigDefaultsTests {
    /// One key's default: ours as parsed, the reference's, and why they
    /// differ when they do (nil: they must not).
    struct Default: CustomStringConvertible {
        let key: String
        let ours: String
        let reference: String
        let deliberate: String?
        var description: String { "\(key): ours \(ours), grokmirror \(reference)" }
    }

    let top = TemporaryDirectory()

    /// The least a config needs for all three tools: `[core] toplevel`,
    /// `[remote] site` and `manifest` for grok-pull, `[fsck] statusfile`.
    var minimal: GrokConfig {
        get throws {
            try GrokConfig(text: """
                [core]
                toplevel = \(top.path)
                [remote]
                site = https://origin.example.org
                manifest = https://origin.example.org/manifest.js.gz
                [fsck]
                statusfile = \(top.path)/fsck.status.js
                """, path: "/etc/grokmirror/minimal.conf")
        }
    }

    static func show(_ globs: [Glob]) -> String { "\(globs.map(\.pattern))" }

    func defaults() throws -> [Default] {
        let config = try minimal
        return try coreDefaults(config) + manifestDefaults(config) + pullDefaults(config) + fsckDefaults(config)
    }

    func coreDefaults(_ config: GrokConfig) throws -> [Default] {
        let core = config.core
        return [
            Default(key: "core.manifest", ours: core.manifest, reference: top.path + "/manifest.js.gz", deliberate: nil),
            Default(key: "core.objstore", ours: core.objstore, reference: top.path + "/objstore", deliberate: nil),
            Default(key: "core.log", ours: "\(String(describing: core.log))", reference: "nil", deliberate: nil),
            Default(key: "core.loglevel", ours: "debug \(core.debug)", reference: "debug false", deliberate: nil),
            Default(key: "core.objstore_uses_plumbing", ours: "\(core.objstoreUsesPlumbing)", reference: "false", deliberate: nil),
            Default(key: "core.private", ours: Self.show(core.privateRepos), reference: "[]", deliberate: nil),
        ]
    }

    func manifestDefaults(_ config: GrokConfig) throws -> [Default] {
        let manifest = try config.manifestSettings()
        return [
            Default(key: "manifest.pretty", ours: "\(manifest.pretty)", reference: "false", deliberate: nil),
            Default(key: "manifest.ignore", ours: Self.show(manifest.ignore), reference: "[]", deliberate: nil),
            Default(key: "manifest.fetch_objstore", ours: "\(manifest.fetchObjstore)", reference: "false", deliberate: nil),
            Default(key: "manifest.check_export_ok", ours: "\(manifest.checkExportOK)", reference: "false", deliberate: nil),
        ]
    }

    func pullDefaults(_ config: GrokConfig) throws -> [Default] {
        let pull = try PullSettings(config: config)
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return [
            Default(key: "remote.manifest_command", ours: "\(String(describing: pull.manifestCommand))", reference: "nil", deliberate: nil),
            Default(key: "remote.preload_bundle_url", ours: "\(String(describing: pull.preloadBundleURL))", reference: "nil", deliberate: nil),
            Default(key: "pull.projectslist", ours: "\(String(describing: pull.projectsList))", reference: "nil", deliberate: nil),
            Default(key: "pull.projectslist_trimtop", ours: pull.projectsListTrimTop, reference: "", deliberate: nil),
            Default(key: "pull.projectslist_symlinks", ours: "\(pull.projectsListSymlinks)", reference: "false", deliberate: nil),
            Default(key: "pull.post_update_hook", ours: "\(pull.postUpdateHooks)", reference: "[]", deliberate: nil),
            Default(key: "pull.post_clone_complete_hook", ours: "\(pull.postCloneCompleteHooks)", reference: "[]", deliberate: nil),
            Default(key: "pull.post_work_complete_hook", ours: "\(pull.postWorkCompleteHooks)", reference: "[]", deliberate: nil),
            Default(key: "pull.purge", ours: "\(pull.purge)", reference: "false", deliberate: nil),
            Default(key: "pull.nopurge", ours: Self.show(pull.noPurge), reference: "[]", deliberate: nil),
            Default(key: "pull.purgeprotect", ours: "\(pull.purgeProtect)", reference: "5", deliberate: nil),
            Default(key: "pull.default_owner", ours: pull.defaultOwner, reference: "Grokmirror", deliberate: nil),
            Default(key: "pull.remotename", ours: pull.remoteName, reference: "_grokmirror", deliberate: nil),
            Default(key: "pull.pull_threads", ours: "\(pull.threads)", reference: "\(cpus > 1 ? cpus / 2 : 1)", deliberate: nil),
            Default(key: "pull.retries", ours: "\(pull.retries)", reference: "3", deliberate: nil),
            Default(key: "pull.include", ours: Self.show(pull.include), reference: "[\"*\"]", deliberate: nil),
            Default(key: "pull.exclude", ours: Self.show(pull.exclude), reference: "[]", deliberate: nil),
            Default(key: "pull.ffonly", ours: Self.show(pull.ffOnly), reference: "[]", deliberate: nil),
            Default(key: "pull.refresh", ours: "\(String(describing: pull.refresh))", reference: "nil", deliberate: nil),
            Default(key: "pull.socket", ours: "\(String(describing: pull.socket))", reference: "nil", deliberate: nil),
            Default(key: "fsck.extra_repack_flags (grok-pull)", ours: "\(pull.extraRepackFlags)", reference: "[]", deliberate: nil),
        ]
    }

    func fsckDefaults(_ config: GrokConfig) throws -> [Default] {
        let fsck = try FsckSettings(config: config)
        return [
            Default(key: "fsck.frequency", ours: "\(fsck.frequency)", reference: "30", deliberate: nil),
            Default(key: "fsck.ignore_errors", ours: "\(fsck.ignoreErrors)", reference: "[\"\"]",
                    deliberate: "2.0.12's empty pattern ignored every error; the example config's list applies (README, grok-fsck)"),
            Default(key: "fsck.reclone_on_errors", ours: "\(fsck.recloneOnErrors)", reference: "[\"\"]",
                    deliberate: "2.0.12's empty pattern asked for a reclone on any error; the example config's list applies (README, grok-fsck)"),
            Default(key: "fsck.repack", ours: "\(fsck.repack)", reference: "true", deliberate: nil),
            Default(key: "fsck.extra_repack_flags", ours: "\(fsck.extraRepackFlags)", reference: "[]", deliberate: nil),
            Default(key: "fsck.extra_repack_flags_full", ours: "\(fsck.extraRepackFlagsFull)", reference: "[]", deliberate: nil),
            Default(key: "fsck.commitgraph", ours: "\(fsck.commitGraph)", reference: "true", deliberate: nil),
            Default(key: "fsck.prune", ours: "\(fsck.prune)", reference: "true", deliberate: nil),
            Default(key: "fsck.precious", ours: fsck.precious.rawValue, reference: "yes", deliberate: nil),
            Default(key: "fsck.baselines", ours: Self.show(fsck.baselines), reference: "[]", deliberate: nil),
            Default(key: "fsck.islandcores", ours: Self.show(fsck.islandCores), reference: "[]", deliberate: nil),
            Default(key: "fsck.obstrepo_merge_strategy", ours: fsck.mergeStrategy.rawValue, reference: "exact", deliberate: nil),
            Default(key: "fsck.preload_bundle_outdir", ours: "\(String(describing: fsck.preloadBundleDirectory))", reference: "nil", deliberate: nil),
            Default(key: "fsck.report_to", ours: fsck.reportTo, reference: "root", deliberate: nil),
            Default(key: "fsck.report_from", ours: fsck.reportFrom, reference: "root", deliberate: nil),
            Default(key: "fsck.report_subject", ours: "\(String(describing: fsck.reportSubject))", reference: "nil", deliberate: nil),
            Default(key: "fsck.report_mailhost", ours: fsck.reportMailhost, reference: "localhost", deliberate: nil),
        ]
    }

    @Test func everyDefaultIsTheReferences() throws {
        for entry in try defaults() where entry.deliberate == nil {
            #expect(entry.ours == entry.reference, "\(entry)")
        }
    }

    @Test func deliberateDifferencesAreTheNamedOnes() throws {
        let differing = try defaults().filter { $0.deliberate != nil }
        #expect(differing.map(\.key) == ["fsck.ignore_errors", "fsck.reclone_on_errors"])
        for entry in differing {
            #expect(entry.ours != entry.reference, "\(entry) is listed as different but is not")
        }
        let fsck = try FsckSettings(config: try minimal)
        #expect(fsck.ignoreErrors == FsckSettings.defaultIgnoreErrors)
        #expect(fsck.recloneOnErrors == FsckSettings.defaultRecloneOnErrors)
    }

    /// The required keys have no default; every other key the tools read has
    /// a row above, so a new key cannot arrive without its default checked.
    @Test func everyKnownKeyIsListed() throws {
        let required: Set = ["core.toplevel", "remote.site", "remote.manifest", "fsck.statusfile"]
        let listed = Set(try defaults().map { $0.key.split(separator: " ")[0] }.map(String.init))
        let known = Set(GrokConfig.knownKeys.flatMap { section, keys in keys.map { "\(section).\($0)" } })
        #expect(listed.union(required) == known)
        #expect(listed.isDisjoint(with: required))
    }

    /// Keys set to nothing, where 2.0.12 does what nobody asks for (README,
    /// Configuration): `objstore =` is realpath("") there, the current
    /// directory; `include =` is one empty glob that matches no repository;
    /// `toplevel =` is the current directory.
    @Test func deliberateDifferencesForEmptyValues() throws {
        let c = try GrokConfig(text: """
            [core]
            toplevel = \(top.path)
            objstore =
            [remote]
            site = https://origin.example.org
            manifest = https://origin.example.org/manifest.js.gz
            [pull]
            include =
            """, path: "/etc/grokmirror/empty.conf")
        #expect(c.core.objstore == top.path + "/objstore")
        #expect(try PullSettings(config: c).include.map(\.pattern) == ["*"])
        #expect(throws: ConfigError.missingKey(path: "/etc/grokmirror/empty.conf", section: "core", key: "toplevel")) {
            try GrokConfig(text: "[core]\ntoplevel =\n", path: "/etc/grokmirror/empty.conf")
        }
    }

    @Test func fullRepackFlagsComeOnlyFromTheConfig() throws {
        let withFlags = try GrokConfig(text: """
            [core]
            toplevel = \(top.path)
            [fsck]
            statusfile = \(top.path)/s.js
            extra_repack_flags_full = --window=250 --depth=50
            """, path: "/etc/grokmirror/full.conf")
        #expect(try FsckSettings(config: withFlags).extraRepackFlagsFull == ["--window=250", "--depth=50"])
        #expect(try FsckSettings(config: try minimal).extraRepackFlagsFull.isEmpty)
    }
}
