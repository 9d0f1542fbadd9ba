import ArgumentParser
import GrokKit
import Glibc

/// What the three tools share on the command line: grokmirror's exit codes
/// (argparse exits 2 on usage errors, and scripts written for grokmirror
/// expect that), help and version on stdout, errors on stderr.
public protocol GrokTool: AsyncParsableCommand {}

extension GrokTool {
    public static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            StandardError.write("\(configuration.commandName ?? "grok"): " + fullMessage(for: error))
            Glibc.exit(2)
        }
    }
}
