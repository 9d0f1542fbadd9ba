import ArgumentParser
import GrokKit
import Glibc

/// What the three tools share on the command line: grokmirror's exit codes
/// (argparse exits 2 on usage errors, and scripts written for grokmirror
/// expect that), help and version on stdout, errors on stderr.
package protocol GrokTool: AsyncParsableCommand {}

extension GrokTool {
    package static func main() async {
        if let index = firstArgumentNotUTF8() {
            // Swift would hand it over repaired (U+FFFD), naming another
            // path: `grok-manifest -x` removed a different repository's entry.
            StandardError.write("\(configuration.commandName ?? "grok"): argument \(index) is not valid UTF-8; paths the tools record and compare must be UTF-8")
            Glibc.exit(2)
        }
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

    /// The position of the first command-line argument whose bytes are not
    /// UTF-8, if any.
    static func firstArgumentNotUTF8() -> Int? {
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            if String(validatingCString: argument) == nil { return index }
        }
        return nil
    }
}
