import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokBundle: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-bundle",
        abstract: "Generate clone.bundle files for use with \"repo\".",
        discussion: "Bundles the repositories of the local manifest that match the -i globs into OUTDIR/<gitdir without .git>/clone.bundle, skipping those unchanged since their last bundle and those over the size limit.",
        version: GrokVersion.versionString
    )

    @OptionGroup var verbosity: VerboseOption
    @OptionGroup var configFile: ConfigOption
    @Option(name: [.customShort("o"), .customLong("outdir")], help: "Location where to store bundle files")
    var outdir: String
    @Option(name: [.customShort("g"), .customLong("gitargs")], parsing: .unconditional,
            help: "extra args to pass to git (may be empty)")
    var gitargs = BundleOptions.defaultGitArguments
    @Option(name: [.customShort("r"), .customLong("revlistargs")], parsing: .unconditional,
            help: "Rev-list args to use (empty means the default)")
    var revlistargs = BundleOptions.defaultRevListArguments
    @Option(name: [.customShort("s"), .customLong("maxsize")], help: "Maximum size of git repositories to bundle (in GiB)")
    var maxsize = 2
    @Option(name: [.customShort("i"), .customLong("include")], parsing: .upToNextOption,
            help: "List repositories to bundle (accepts shell globbing)")
    var include: [String] = ["*"]

    func run() async throws {
        var options = BundleOptions(configPath: configFile.config, outdir: outdir)
        options.setGitArguments(gitargs)
        options.setRevListArguments(revlistargs)
        options.maximumSizeGiB = maxsize
        options.include = include.map(Glob.init)
        options.verbose = verbosity.verbose
        throw ExitCode(await BundleCommand.run(options))
    }
}
