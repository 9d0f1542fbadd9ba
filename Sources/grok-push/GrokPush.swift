import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokPush: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-push",
        abstract: "Push mirrored repositories on to the [push.*] destinations of the config.",
        discussion: "Without repositories, pushes every repository of the local manifest that some destination is behind on.",
        version: GrokVersion.versionString
    )

    @OptionGroup var configFile: ConfigOption
    @OptionGroup var verbosity: VerboseOption
    @Flag(name: .customLong("force"), help: "Push even where deleteprotect would refuse (this run only)")
    var force = false
    @Argument(help: "Repositories to push: full paths under toplevel, or gitdirs (/pub/scm/git/git.git)")
    var repositories: [String] = []

    func run() async throws {
        var arguments = PushCommand.Arguments(configPath: configFile.config)
        arguments.verbose = verbosity.verbose
        arguments.force = force
        arguments.repositories = repositories
        throw ExitCode(await PushCommand.run(arguments))
    }
}
