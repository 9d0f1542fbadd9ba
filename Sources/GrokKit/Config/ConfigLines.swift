/// A config file's text cut into lines the way Python reads a text file
/// (universal newlines): "\r\n", a lone "\r" and "\n" each end a line, and
/// a last line without a line end is still a line.
enum ConfigLines {
    /// The lines of `text` without their line ends, numbered from 1 by
    /// position in the array. Cost: one pass over the UTF-8 bytes.
    /// - Throws: `ConfigError.syntax` naming the line of the first NUL: no
    ///   value containing one can be a path, an argument or a URL, so the file
    ///   is refused rather than cut short or passed on.
    static func split(_ text: String, path: String) throws(ConfigError) -> [Substring.UnicodeScalarView] {
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let marks = ByteScan.find(in: text) { $0 == newline || $0 == carriageReturn || $0 == 0 }
        let scalars = text.unicodeScalars
        var lines: [Substring.UnicodeScalarView] = []
        var start = 0
        var afterCarriageReturn = -1
        for (offset, byte) in marks {
            if byte == 0 {
                throw .syntax(path: path, line: lines.count + 1, reason: "contains a NUL byte (a config file is text)")
            }
            if byte == newline, offset == afterCarriageReturn {
                // The "\n" of a "\r\n": the line ended at the "\r".
                start = offset + 1
                continue
            }
            lines.append(scalars[ByteScan.index(start, in: text)..<ByteScan.index(offset, in: text)])
            start = offset + 1
            afterCarriageReturn = byte == carriageReturn ? offset + 1 : -1
        }
        if start < text.utf8.count { lines.append(scalars[ByteScan.index(start, in: text)...]) }
        return lines
    }
}
