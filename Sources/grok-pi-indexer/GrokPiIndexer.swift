import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokPiIndexer: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-pi-indexer",
        abstract: "Properly initialize and update mirrored public-inbox repositories.",
        discussion: """
            Meant for grok-pull's hooks: post_clone_complete_hook = grok-pi-indexer -c PI_CONFIG -t TOPLEVEL init \
            and post_update_hook = grok-pi-indexer -c PI_CONFIG -t TOPLEVEL update.
            """,
        version: GrokVersion.versionString,
        subcommands: [Init.self, Update.self, Extindex.self]
    )

    /// Declared here too, so they may come before the subcommand's name
    /// (as in grokmirror); each subcommand reads the same values.
    @OptionGroup var common: PiIndexerGlobalOptions

    /// No subcommand: help, and exit 1 as grokmirror does.
    func run() async throws {
        print(Self.helpMessage())
        throw ExitCode(1)
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init",
                                                        abstract: "Run public-inbox-init+index on repositories passed via stdin")
        @OptionGroup var common: PiIndexerGlobalOptions
        @Option(name: .customLong("local-toplevel"), help: "URL of the local mirror toplevel (omit if serving from /)")
        var localToplevel = ""
        @Option(name: .customLong("origin-hostname"), help: "URL of the origin toplevel serving config files")
        var originHostname = "https://lore.kernel.org/"
        @Option(name: .customLong("listid-priority"), help: "List-Ids priority order (comma-separated, can use shell globbing)")
        var listidPriority = "*.linux.dev,*.kernel.org"
        @Option(name: .customLong("extra-cfgopts"), help: "Extra config options to accept from remote (comma-separated)")
        var extraConfigOptions = "indexheader,replyto"
        @Flag(name: .customLong("force-reinit"), help: "Force a full (re-)init of an inboxdir")
        var forceReinit = false
        @Argument(help: "Path to toplevel inboxdir (non-hook mode)")
        var inboxdir: String?

        func run() async throws {
            var initOptions = PiInitOptions()
            initOptions.localToplevel = localToplevel
            initOptions.originHostname = originHostname
            initOptions.listidPriority = listidPriority
            initOptions.extraConfigOptions = extraConfigOptions
            initOptions.forceReinit = forceReinit
            initOptions.inboxdir = inboxdir
            throw ExitCode(await PiIndexerCommand.run(try common.options, .initialize(initOptions)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Run public-inbox-index on passed repository path")
        @OptionGroup var common: PiIndexerGlobalOptions
        @Argument(help: "Full path to foo/git/N.git public-inbox repository")
        var repo: [String] = []

        func run() async throws {
            throw ExitCode(await PiIndexerCommand.run(try common.options, .update(repo)))
        }
    }

    struct Extindex: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "extindex", abstract: "Run extindex on all inboxes")
        @OptionGroup var common: PiIndexerGlobalOptions

        func run() async throws {
            throw ExitCode(await PiIndexerCommand.run(try common.options, .extindex))
        }
    }
}

/// The options before the subcommand, which every subcommand takes.
struct PiIndexerGlobalOptions: ParsableArguments {
    @OptionGroup var verbosity: VerboseOption
    @Option(name: [.customShort("c"), .customLong("pi-config")], help: "Location of the public-inbox configuration file")
    var piConfig: String?
    @Option(name: [.customShort("t"), .customLong("toplevel")], help: "Path to git repository mirror toplevel")
    var toplevel: String?
    @Option(name: [.customShort("p"), .customLong("pi-toplevel")], help: "Path to public-inbox toplevel, if separate")
    var piToplevel: String?
    @Option(name: [.customShort("l"), .customLong("logfile")], help: "Log activity in this log file")
    var logfile: String?
    @Option(name: [.customShort("L"), .customLong("indexlevel")], help: "Indexlevel to use with public-inbox (full, medium, basic)")
    var indexLevel = "full"
    @Option(name: [.customShort("j"), .customLong("jobs")], help: "The --jobs parameter to pass to public-inbox")
    var jobs: Int?
    @Flag(name: .customLong("no-fsync"), help: "Use --no-fsync when invoking public-inbox")
    var noFsync = false
    @Option(name: .customLong("timeout"), help: "Seconds any one public-inbox tool may run")
    var timeout = 21600

    /// Optional to the parser (the command without a subcommand takes
    /// them too), required by every subcommand.
    var options: PiIndexerOptions {
        get throws {
            guard let piConfig else { throw ValidationError("Missing expected argument '--pi-config <pi-config>'") }
            guard !piConfig.isEmpty else { throw ValidationError("--pi-config must name a file") }
            guard let toplevel else { throw ValidationError("Missing expected argument '--toplevel <toplevel>'") }
            return configured(PiIndexerOptions(piConfig: piConfig, toplevel: toplevel))
        }
    }

    private func configured(_ base: PiIndexerOptions) -> PiIndexerOptions {
        var options = base
        options.piToplevel = piToplevel
        options.logFile = logfile
        options.verbose = verbosity.verbose
        options.indexLevel = indexLevel
        options.jobs = jobs
        options.noFsync = noFsync
        options.timeout = .seconds(max(timeout, 1))
        return options
    }
}
