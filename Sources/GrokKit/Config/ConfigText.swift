/// The text of a config file from its bytes, decoded as Python's `open()`
/// decodes it for grokmirror under a UTF-8 locale: strict UTF-8, nothing
/// replaced. grokmirror fails with `UnicodeDecodeError` on anything else;
/// turning bad bytes into U+FFFD instead would quietly change paths.
enum ConfigText {
    /// - Returns: the decoded text, byte for byte (a byte-order mark is kept,
    ///   and then refused by the parser as configparser refuses it).
    /// - Throws: `ConfigError.syntax` naming the line and the first byte
    ///   that is not UTF-8. Cost: linear in the file's size.
    static func decode(_ bytes: [UInt8], path: String) throws(ConfigError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
            case .error(let length):
                let line = lineNumber(of: offset, in: bytes)
                let shown = bytes[offset..<(offset + max(1, length))].map { "0x" + String($0, radix: 16) }.joined(separator: " ")
                throw .syntax(path: path, line: line, reason: "byte \(shown) is not UTF-8 (the config file must be UTF-8 text)")
            case .emptyInput:
                // Unreachable: validation failed, so some scalar is invalid.
                throw .unreadable(path: path, reason: "not UTF-8")
            }
        }
    }

    /// The 1-based line holding byte `offset`, counting "\r\n", "\r" and
    /// "\n" as one line end each, as `ConfigLines` does.
    static func lineNumber(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var index = 0
        while index < offset {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && (index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "\n"))) {
                line += 1
            }
            index += 1
        }
        return line
    }
}
