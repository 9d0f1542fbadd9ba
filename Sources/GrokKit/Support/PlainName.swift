/// A name the tools use as one path component or section suffix, and
/// nothing else: a letter or digit, then letters, digits, `.`, `_` or `-`,
/// at most 128 bytes. Forkgroups (`<objstore>/<name>.git`) and push
/// destinations (`[push.<name>]`) are such names, so no name can climb out
/// of a directory (`..`), look like an option (`-x`) or hide a separator.
package enum PlainName {
    package static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 128, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
