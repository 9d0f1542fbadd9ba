/// The pieces of Python's `str` behaviour that configparser's reading rules
/// rest on, at the level Python works on: code points (Unicode scalars), not
/// Swift `Character`s. A `Character` can swallow a delimiter ("=\u{301}" is one
/// Character) and `String` equality merges canonically equivalent spellings,
/// so neither may be used to parse or compare config text.
enum PythonText {
    /// `str.isspace()`, which is also what `str.strip()` removes and what the
    /// regular expression `\s` matches: ASCII tab to carriage return, the
    /// information separators U+001C–U+001F, space, NEL, no-break space and
    /// the Unicode space separators and line/paragraph separators.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `str.strip()`: the slice without leading and trailing whitespace.
    /// Cost: proportional to the whitespace removed.
    static func strip(_ text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        rstrip(lstrip(text))
    }

    /// `str.lstrip()`.
    static func lstrip(_ text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        var start = text.startIndex
        while start < text.endIndex, isSpace(text[start]) { text.formIndex(after: &start) }
        return text[start...]
    }

    /// `str.rstrip()`.
    static func rstrip(_ text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard isSpace(text[before]) else { break }
            end = before
        }
        return text[..<end]
    }

    /// `str.strip()` of a whole string.
    static func strip(_ text: String) -> String {
        string(strip(Substring(text).unicodeScalars))
    }

    /// `str.lower()`, which configparser applies to every key: each code
    /// point's full lowercase mapping, and capital sigma as final sigma (ς)
    /// at the end of a word, which Swift's `lowercased()` does not do.
    static func lower(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text.lowercased() }
        let scalars = Array(text.unicodeScalars)
        var result = ""
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\u{3A3}", isFinalSigma(at: index, in: scalars) {
                result.unicodeScalars.append("\u{3C2}")
            } else {
                result += scalar.properties.lowercaseMapping
            }
        }
        return result
    }

    /// Unicode's Final_Sigma condition: a cased letter before (case-ignorable
    /// code points skipped) and none after.
    private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        let before = scalars[..<index].last { !$0.properties.isCaseIgnorable }
        guard let before, before.properties.isCased else { return false }
        let after = scalars[(index + 1)...].first { !$0.properties.isCaseIgnorable }
        return !(after?.properties.isCased ?? false)
    }

    /// The exact code points of a slice as a `String` (no normalisation).
    static func string(_ scalars: Substring.UnicodeScalarView) -> String {
        String(Substring(scalars))
    }

    /// `text.split('\n')` followed by `strip()` of every piece, as grokmirror
    /// reads list values; empty pieces are kept. Cost: linear in the text.
    static func strippedLines(_ text: String) -> [String] {
        let scalars = text.unicodeScalars
        var lines: [String] = []
        var start = text.startIndex
        for (offset, _) in ByteScan.find(in: text, where: { $0 == UInt8(ascii: "\n") }) {
            let end = ByteScan.index(offset, in: text)
            lines.append(string(strip(scalars[start..<end])))
            start = ByteScan.index(offset + 1, in: text)
        }
        lines.append(string(strip(scalars[start...])))
        return lines
    }
}
