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
        let bytes = text.utf8
        let scalars = text.unicodeScalars
        var lines: [Substring.UnicodeScalarView] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0 {
                throw .syntax(path: path, line: lines.count + 1, reason: "contains a NUL byte (a config file is text)")
            }
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                bytes.formIndex(after: &index)
                continue
            }
            // "\r" and "\n" are ASCII, so these byte positions are scalar boundaries.
            lines.append(scalars[start..<index])
            bytes.formIndex(after: &index)
            if byte == UInt8(ascii: "\r"), index < bytes.endIndex, bytes[index] == UInt8(ascii: "\n") {
                bytes.formIndex(after: &index)
            }
            start = index
        }
        if start < bytes.endIndex { lines.append(scalars[start..<bytes.endIndex]) }
        return lines
    }
}
