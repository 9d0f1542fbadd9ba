/// Sorts git's output lines into errors and benign noise by `ignore_errors`
/// substrings, and finds the first error naming a `reclone_on_errors`
/// substring.
package struct ErrorLineFilter: Sendable {
    package let ignore: [String]
    package let reclone: [String]

    package init(ignore: [String], reclone: [String]) {
        self.ignore = ignore.filter { !$0.isEmpty }
        self.reclone = reclone.filter { !$0.isEmpty }
    }

    /// Non-blank lines of `output` that no ignore pattern matches, and the
    /// ignored ones (logged at debug level).
    package func split(_ output: String) -> (errors: [String], ignored: [String]) {
        var errors: [String] = [], ignored: [String] = []
        for line in output.split(whereSeparator: \.isNewline) {
            let text = String(line)
            if text.trimmingWhitespace().isEmpty { continue }
            if ignore.contains(where: { text.contains($0) }) { ignored.append(text) } else { errors.append(text) }
        }
        return (errors, ignored)
    }

    /// The first error line that asks for a reclone.
    package func recloneReason(in errors: [String]) -> String? {
        errors.first { line in reclone.contains { line.contains($0) } }
    }
}
