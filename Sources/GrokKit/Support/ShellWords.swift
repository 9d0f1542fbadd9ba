/// POSIX shell word splitting (Python's `shlex.split`) for config values
/// that hold a command line (`manifest_command`, hooks): quotes and
/// backslashes, no expansion of any kind.
package enum ShellWords {
    package struct Error: Swift.Error, CustomStringConvertible {
        package let text: String
        package var description: String { "unbalanced quotes in \(text)" }
    }

    /// Python's `str.split()`: words between runs of whitespace, no quoting
    /// (how grokmirror reads `extra_repack_flags`).
    package static func whitespaceSplit(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(String.init)
    }

    package static func split(_ text: String) throws(Error) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        for character in text {
            if escaped {
                if quote == "\"" && !"\\\"$`\n".contains(character) { current.append("\\") }
                if character != "\n" || quote != nil { current.append(character) }
                escaped = false
                inWord = true
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"): escaped = true
            case (nil, "'"), (nil, "\""): quote = character; inWord = true
            case ("'", "'"), ("\"", "\""): quote = nil
            case (nil, " "), (nil, "\t"), (nil, "\n"):
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(character); inWord = true
            }
        }
        if quote != nil || escaped { throw Error(text: text) }
        if inWord { words.append(current) }
        return words
    }
}

