/// Reads many blobs named by object expressions (`<commit>:m`) through one
/// `git cat-file --batch` per call, instead of one git process per blob:
/// grok-pi-piper reads every new public-inbox message this way.
package enum BlobBatch {
    /// Why the output of `cat-file --batch` could not be read.
    package struct Malformed: Error, CustomStringConvertible {
        package let description: String
    }

    /// The blobs `names` name, in order; nil where git has no such object
    /// (`missing`, `ambiguous`) or it is not a blob.
    /// - Throws: `GitCommandFailure` when git fails or its output cannot be
    ///   parsed, naming the repository. A name holding a newline (which
    ///   would split into two requests) is refused the same way.
    package static func read(_ names: [String], gitDir: String, git: GitRunner) async throws(GitCommandFailure) -> [[UInt8]?] {
        guard !names.isEmpty else { return [] }
        guard !names.contains(where: { $0.utf8.contains(UInt8(ascii: "\n")) }) else {
            throw GitCommandFailure(message: "cannot ask git cat-file for a name holding a newline in \(gitDir)")
        }
        let input = Array(names.joined(separator: "\n").utf8) + [UInt8(ascii: "\n")]
        let result = try await git.runOrFail(gitDir: gitDir, ["cat-file", "--batch"], input: input, timeout: nil)
        do {
            return try parse(result.stdout, count: names.count)
        } catch {
            throw GitCommandFailure(message: "git cat-file --batch in \(gitDir): \(error.description)")
        }
    }

    /// Splits `cat-file --batch` output into `count` answers: a header
    /// `<oid> <type> <size>` followed by that many bytes and a newline, or
    /// `<name> missing` / `<name> ambiguous`.
    /// - Throws: `Malformed` for a truncated or unrecognised answer, or
    ///   for more or fewer answers than `count`.
    static func parse(_ output: [UInt8], count: Int) throws(Malformed) -> [[UInt8]?] {
        var answers: [[UInt8]?] = []
        var position = 0
        while answers.count < count {
            guard let newline = output[position...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw Malformed(description: "answer \(answers.count + 1) of \(count) is cut short")
            }
            let header = String(decoding: output[position..<newline], as: UTF8.self)
            position = newline + 1
            if header.hasSuffix(" missing") || header.hasSuffix(" ambiguous") {
                answers.append(nil)
                continue
            }
            let fields = header.split(separator: " ")
            guard fields.count == 3, let size = Int(fields[2]), size >= 0, position + size < output.count,
                  output[position + size] == UInt8(ascii: "\n") else {
                throw Malformed(description: "unexpected answer \(header)")
            }
            answers.append(fields[1] == "blob" ? Array(output[position..<(position + size)]) : nil)
            position += size + 1
        }
        guard position == output.count else { throw Malformed(description: "more answers than the \(count) asked for") }
        return answers
    }
}
