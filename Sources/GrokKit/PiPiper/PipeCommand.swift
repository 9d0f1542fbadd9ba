/// The `pipe` command line, split as a POSIX shell splits words (no
/// expansion, never run through a shell) with its executable resolved
/// before anything is piped or marked as piped. grokmirror only checks
/// that the path exists; a file that is not executable then failed at the
/// first message.
package struct PipeCommand: Sendable, Equatable {
    /// The line as configured, for messages.
    package let line: String
    /// The program, resolved: `~` expanded, looked up in PATH when it
    /// names no directory.
    package let executable: String
    package let arguments: [String]

    /// Why a `pipe` line cannot be run.
    package struct Failure: Error, Equatable, CustomStringConvertible {
        package let line: String
        package let reason: String
        package var description: String { "Cannot execute pipe \(line): \(reason)" }
    }

    /// - Throws: `Failure` for unbalanced quotes, an empty line, or a
    ///   program that is not an executable regular file.
    package init(_ line: String) throws(Failure) {
        let words: [String]
        do { words = try ShellWords.split(line) } catch { throw Failure(line: line, reason: "unbalanced quotes") }
        guard let program = words.first else { throw Failure(line: line, reason: "no command") }
        let expanded = GrokConfig.expandUser(program)
        guard let executable = CommandRunner.lookUp(expanded), FileSystem.isFile(executable) else {
            let reason = expanded.contains("/") ? (FileSystem.exists(expanded) ? "not an executable file" : "no such file")
                                                : "not found in PATH"
            throw Failure(line: line, reason: reason)
        }
        self.line = line
        self.executable = executable
        arguments = Array(words.dropFirst())
    }
}
