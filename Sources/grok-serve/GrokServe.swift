import ArgumentParser
import GrokCLI
import GrokKit
import GrokServe

@main
struct GrokServeTool: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-serve",
        abstract: "Serve the mirror's status, metrics and health over HTTP, configured in [serve].",
        discussion: "Reads the status store grok-pull and grok-push keep beside the local manifest; never writes to the mirror.",
        version: GrokVersion.versionString
    )

    @OptionGroup var configFile: ConfigOption
    @OptionGroup var verbosity: VerboseOption

    func run() async throws {
        throw ExitCode(await ServeCommand.run(configPath: configFile.config, verbose: verbosity.verbose))
    }
}
