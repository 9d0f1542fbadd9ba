/// Escaping for what the pages show: every string that came from a
/// repository or an origin (gitdir, error text, description) goes through
/// these before it reaches HTML or JSON.
package enum Escape {
    /// HTML text and attribute values (double-quoted).
    package static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A JSON string literal, quotes included. `<`, `>` and `&` are
    /// escaped too, so the JSON is safe even if a browser sniffs it as HTML.
    /// Runs of bytes that need no escape are copied whole (most gitdirs
    /// and errors are one run): /status.json writes 30,000 of each.
    package static func json(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for position in bytes.indices where needsJSONEscape(bytes[position]) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                jsonEscape(bytes[position], into: &out)
                runStart = position + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func needsJSONEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "&")
    }

    private static func jsonEscape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [0x5C, byte]
        case UInt8(ascii: "\n"): out += [0x5C, UInt8(ascii: "n")]
        case UInt8(ascii: "\r"): out += [0x5C, UInt8(ascii: "r")]
        case UInt8(ascii: "\t"): out += [0x5C, UInt8(ascii: "t")]
        default: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 0xF)]
        }
    }

    /// A path for a URL: each byte outside the unreserved set and `/`
    /// percent-encoded.
    package static func urlPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hexDigit(byte >> 4)))
                out.unicodeScalars.append(Unicode.Scalar(hexDigit(byte & 0xF)))
            }
        }
        return out
    }

    /// A query value.
    package static func urlQuery(_ text: String) -> String {
        urlPath(text).replacingSlashes()
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x41 + value - 10 }
}

private extension String {
    func replacingSlashes() -> String {
        var out = ""
        for character in self { if character == "/" { out += "%2F" } else { out.append(character) } }
        return out
    }
}

/// A request path made safe to look up: percent-decoded once, and refused
/// (nil) when it is not UTF-8 or has a NUL, a backslash, an empty, `.` or
/// `..` component — whether written plainly or percent-encoded. Nothing is
/// ever opened by this path: it only names a repository of the store.
package enum RequestPath {
    package static let maximumBytes = 4096

    package static func decode(_ raw: Substring) -> String? {
        guard raw.utf8.count <= maximumBytes * 3 else { return nil }
        var bytes: [UInt8] = []
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        guard bytes.count <= maximumBytes, !bytes.contains(0), !bytes.contains(UInt8(ascii: "\\")),
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        guard text.hasPrefix("/"), components.dropFirst().allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
