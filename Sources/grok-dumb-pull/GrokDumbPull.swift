import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokDumbPull: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-dumb-pull",
        abstract: "Fetch remotes in repositories not managed by grokmirror.",
        discussion: "A PATH ending in .git (or any repository) is fetched; any other PATH is searched for repositories.",
        version: GrokVersion.versionString
    )

    @OptionGroup var verbosity: VerboseOption
    @Flag(name: [.customShort("s"), .customLong("svn")], help: "The remotes for these repositories are Subversion")
    var svn = false
    @Option(name: [.customShort("r"), .customLong("remote-names")], help: "Only fetch remotes matching this name (accepts shell globbing)")
    var remotes: [String] = []
    @Option(name: [.customShort("u"), .customLong("post-update-hook")], help: "Run this hook after each repository is updated")
    var posthook = ""
    @Option(name: [.customShort("l"), .customLong("logfile")], help: "Put debug logs into this file")
    var logfile: String?
    @Option(name: [.customShort("c"), .customLong("config")], help: "A grokmirror config: pull_threads, [pull] refresh, its log, and [push.*] destinations")
    var config: String?
    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Repositories fetched at once (default: pull_threads of -c, else 2)")
    var jobs: Int?
    @Flag(name: [.customShort("o"), .customLong("continuous")], help: "Keep polling, --refresh seconds apart (no effect without a refresh)")
    var continuous = false
    @Option(name: .customLong("refresh"), help: "Seconds between passes with -o (default: [pull] refresh of -c)")
    var refresh: Int?
    @Option(name: .customLong("timeout"), help: "Seconds each fetch may take")
    var timeout = 3600
    @Argument(help: "Full path(s) of the repos to pull")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("You must provide at least a path to the repos to pull") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let refresh, refresh < 1 { throw ValidationError("--refresh must be at least 1 second") }
        if timeout < 1 { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        var arguments = DumbPullCommand.Arguments(paths: paths)
        arguments.verbose = verbosity.verbose
        arguments.svn = svn
        arguments.remoteGlobs = remotes.isEmpty ? nil : remotes
        arguments.hook = posthook
        arguments.logFile = logfile
        arguments.configPath = config
        arguments.jobs = jobs
        arguments.continuous = continuous
        arguments.refresh = refresh
        arguments.timeout = timeout
        throw ExitCode(await DumbPullCommand.run(arguments))
    }
}
