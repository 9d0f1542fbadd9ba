import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokManifest: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-manifest",
        abstract: "Create or update a grokmirror manifest file.",
        version: GrokVersion.versionString
    )

    @Option(name: .customLong("cfgfile"), help: "Path to grokmirror.conf containing at least a [core] section")
    var cfgfile: String?
    @Option(name: [.customShort("m"), .customLong("manifest")], help: "Location of manifest.js or manifest.js.gz")
    var manifest: String?
    @Option(name: [.customShort("t"), .customLong("toplevel")], help: "Top dir where all repositories reside")
    var toplevel: String?
    @Option(name: [.customShort("l"), .customLong("logfile")], help: "Also log to this file")
    var logfile: String?
    @Flag(name: [.customShort("n"), .customLong("use-now")], help: "Use current timestamp instead of parsing commits")
    var useNow = false
    @Flag(name: [.customShort("c"), .customLong("check-export-ok")], help: "Export only repositories marked as git-daemon-export-ok")
    var checkExportOK = false
    @Flag(name: [.customShort("p"), .customLong("purge")], help: "Purge deleted git repositories from manifest")
    var purge = false
    @Flag(name: .customLong("force-purge"), help: "Drop vanished repositories even when that is all or more than 20% of the manifest")
    var forcePurge = false
    @Flag(name: [.customShort("x"), .customLong("remove")], help: "Remove repositories passed as arguments from manifest")
    var remove = false
    @Flag(name: [.customShort("y"), .customLong("pretty")], help: "Pretty-print manifest (sort keys and add indentation)")
    var pretty = false
    @Option(name: [.customShort("i"), .customLong("ignore-paths")], help: "When finding git dirs, ignore these paths (shell-style globs, repeatable)")
    var ignorePaths: [String] = []
    @Option(name: [.customShort("r"), .customLong("ignore-refs")], help: "Refs to exclude from fingerprint calculation, e.g. refs/meta/* (repeatable)")
    var ignoreRefs: [String] = []
    @Flag(name: [.customShort("w"), .customLong("wait-for-manifest")], help: "With paths, wait until the manifest exists")
    var wait = false
    @Flag(name: [.customShort("o"), .customLong("fetch-objstore")], help: "Fetch updates into objstore repo (if used)")
    var fetchObjstore = false

    @OptionGroup var verbosity: VerboseOption
    @Argument(help: "Full path(s) to process")
    var paths: [String] = []

    func run() async throws {
        var cli = ManifestOptions.CommandLine()
        cli.configPath = cfgfile
        cli.manifestPath = manifest
        cli.toplevel = toplevel
        cli.logFile = logfile
        cli.useNow = useNow
        cli.checkExportOK = checkExportOK
        cli.purge = purge
        cli.forcePurge = forcePurge
        cli.remove = remove
        cli.pretty = pretty
        cli.ignorePaths = ignorePaths
        cli.ignoreRefs = ignoreRefs
        cli.waitForManifest = wait
        cli.verbose = verbosity.verbose
        cli.paths = paths
        cli.fetchObjstore = fetchObjstore
        let status = await ManifestCommand.run(cli)
        throw ExitCode(status)
    }
}
