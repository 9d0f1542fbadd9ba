/// A strict JSON parser over bytes (RFC 8259), producing order-keeping
/// `JSONValue`s. Written for the manifest: tens of thousands of entries must
/// parse in a few tens of milliseconds, and Foundation's parser both loses
/// key order and is several times slower on Linux.
package struct JSONParser {
    package struct Error: Swift.Error, CustomStringConvertible {
        package let offset: Int
        package let reason: String
        package var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    /// Whether the last string parsed had a lone surrogate replaced, and
    /// where its opening quote was.
    private var lastStringWasLossy = false
    private var lastStringStart = 0
    /// Whether a string skipped since this was last cleared held a lone
    /// surrogate escape.
    private var skippedLoneSurrogate = false
    private static let maximumDepth = 512

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    package static func parse(_ data: [UInt8]) throws(Error) -> JSONValue {
        let result: Result<JSONValue, Error> = data.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            do throws(Error) {
                parser.skipWhitespace()
                let value = try parser.parseValue()
                parser.skipWhitespace()
                if parser.position != buffer.count { throw parser.error("trailing data") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A member of a top-level object whose value was validated but not
    /// built: its bytes, and whether they are already in the exact form
    /// `JSONWriter.compact` would write (ASCII only, `", "`/`": "` separators,
    /// no other whitespace), so they can be copied back verbatim.
    package struct ScannedMember: Sendable {
        /// The key decoded; U+FFFD stands for a lone surrogate.
        package let key: String
        /// The key's bytes between its quotes, as written.
        package let keySpelling: Range<Int>
        package let range: Range<Int>
        package let isCanonical: Bool
        /// Whether the key holds a lone surrogate escape (`\udc80`): such a
        /// key is no valid UTF-8 string, so `key` cannot name anything exactly.
        package let keyIsLossy: Bool
        /// Whether a string of the value (or a key inside it) holds one:
        /// building the value would replace it, so it must not be built.
        package let valueIsLossy: Bool
    }

    /// Validates a JSON document that must be an object, returning its
    /// members without building their values. This is what makes reading a
    /// huge manifest to change one entry cheap. `interruptible`: a
    /// cancelled task stops the scan (reason "interrupted") every 4096
    /// members, so a stop request does not wait for a huge remote manifest;
    /// never for a manifest read to save work.
    package static func scanObjectMembers(_ data: [UInt8], interruptible: Bool = false) throws(Error) -> [ScannedMember] {
        let result: Result<[ScannedMember], Error> = data.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            do throws(Error) {
                return .success(try parser.scanTopLevelObject(interruptible: interruptible))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// For a document that is an object of records: each member's key with
    /// the string value of `field` in its record (nil when the record is no
    /// object or has no such string), building nothing else. Later
    /// duplicates win, as in Python. grok-serve reads the `lastcheck` of
    /// 30,000 grok-fsck records this way about ten times faster than
    /// through `parse`.
    package static func stringField(_ field: String, ofMembers data: [UInt8]) throws(Error) -> [(key: String, value: String?)] {
        let result: Result<[(key: String, value: String?)], Error> = data.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            do throws(Error) {
                return .success(try parser.scanStringField(field))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func scanStringField(_ field: String) throws(Error) -> [(key: String, value: String?)] {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { throw error("expected an object") }
        var members: [(key: String, value: String?)] = []
        var canonical = true
        try parseMembers { parser, key throws(Error) in
            var found: String?
            if parser.bytes[parser.position] == UInt8(ascii: "{") {
                try parser.enter()
                try parser.parseMembers { inner, name throws(Error) in
                    if name == field, inner.bytes[inner.position] == UInt8(ascii: "\"") {
                        found = try inner.parseString()
                    } else {
                        if name == field { found = nil }
                        try inner.skipValue(canonical: &canonical)
                    }
                }
                parser.depth -= 1
            } else {
                try parser.skipValue(canonical: &canonical)
            }
            members.append((key, found))
        }
        skipWhitespace()
        if position != bytes.count { throw error("trailing data") }
        return members
    }

    private mutating func scanTopLevelObject(interruptible: Bool) throws(Error) -> [ScannedMember] {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { throw error("expected an object") }
        var members: [ScannedMember] = []
        try parseMembers { parser, key throws(Error) in
            if interruptible && members.count % 4096 == 0 && Task.isCancelled { throw parser.error("interrupted") }
            let start = parser.position
            let keyIsLossy = parser.lastStringWasLossy
            let spelling = parser.spelling(of: parser.lastStringStart..<start)
            var canonical = true
            parser.skippedLoneSurrogate = false
            try parser.skipValue(canonical: &canonical)
            members.append(ScannedMember(key: key, keySpelling: spelling, range: start..<parser.position, isCanonical: canonical,
                                         keyIsLossy: keyIsLossy, valueIsLossy: parser.skippedLoneSurrogate))
        }
        skipWhitespace()
        if position != bytes.count { throw error("trailing data") }
        return members
    }

    /// Walks an object from its `{` to its `}`, handing each key to `member`
    /// with the parser positioned on the value, which `member` must consume.
    private mutating func parseMembers(_ member: (inout JSONParser, String) throws(Error) -> Void) throws(Error) {
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of data") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return }
            throw error("expected ',' or '}'")
        }
    }

    /// Whitespace after a separator: canonical only as exactly one space.
    private mutating func skipSeparatorSpace(canonical: inout Bool) {
        let start = position
        skipWhitespace()
        if position - start != 1 || bytes[start] != 0x20 { canonical = false }
    }

    private mutating func skipInsignificantSpace(canonical: inout Bool) {
        let start = position
        skipWhitespace()
        if position != start { canonical = false }
    }

    /// The same grammar as `parseValue`, without building anything.
    private mutating func skipValue(canonical: inout Bool) throws(Error) {
        guard position < bytes.count else { throw error("unexpected end of data") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try enter()
            defer { depth -= 1 }
            position += 1
            skipInsignificantSpace(canonical: &canonical)
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return }
            while true {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                try skipString(canonical: &canonical)
                skipInsignificantSpace(canonical: &canonical)
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipSeparatorSpace(canonical: &canonical)
                try skipValue(canonical: &canonical)
                skipInsignificantSpace(canonical: &canonical)
                guard position < bytes.count else { throw error("unexpected end of data") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; skipSeparatorSpace(canonical: &canonical); continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            try enter()
            defer { depth -= 1 }
            position += 1
            skipInsignificantSpace(canonical: &canonical)
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return }
            while true {
                try skipValue(canonical: &canonical)
                skipInsignificantSpace(canonical: &canonical)
                guard position < bytes.count else { throw error("unexpected end of data") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; skipSeparatorSpace(canonical: &canonical); continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): try skipString(canonical: &canonical)
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error("unexpected character")
        }
    }

    /// Skips a string. Non-ASCII text or escapes Python would write
    /// differently (`\/`, upper-case hex) are valid but not canonical; such
    /// entries get fully parsed, which also validates their UTF-8. A lone
    /// surrogate escape sets `skippedLoneSurrogate`; only strings with a
    /// `\u` escape pay for that check.
    private mutating func skipString(canonical: inout Bool) throws(Error) {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case 0..<0x20: throw error("control character in string")
            case 0x80...: canonical = false
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw error("unterminated string") }
                let start = position
                let code = try parseEscape()
                if bytes[start] == UInt8(ascii: "/") { canonical = false }
                guard bytes[start] == UInt8(ascii: "u") else { break }
                if bytes[start..<position].contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }) { canonical = false }
                if Self.isSurrogate(code) { skippedLoneSurrogate = true }
            default: break
            }
        }
        throw error("unterminated string")
    }

    private func error(_ reason: String) -> Error { Error(offset: position, reason: reason) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Error) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of data") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Error) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw error("unexpected end of data") }
        for i in 0..<length where bytes[position + i] != literal.utf8Start[i] { throw error("invalid literal") }
        position += length
    }

    private mutating func enter() throws(Error) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting too deep") }
    }

    private mutating func parseObject() throws(Error) -> JSONObject {
        try enter()
        defer { depth -= 1 }
        var object = JSONObject()
        try parseMembers { parser, key throws(Error) in object[key] = try parser.parseValue() }
        return object
    }

    private mutating func parseArray() throws(Error) -> [JSONValue] {
        try enter()
        defer { depth -= 1 }
        position += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return array }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of data") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return array }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws(Error) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
        if bytes[position] == UInt8(ascii: "0") { position += 1 } else { skipDigits() }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            skipDigits()
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// A key's spelling between its quotes: `range` runs from the opening
    /// quote to the value, over the closing quote, `:` and whitespace.
    private func spelling(of range: Range<Int>) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] != UInt8(ascii: "\"") { end -= 1 }
        return (range.lowerBound + 1)..<(end - 1)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private mutating func skipDigits() { while position < bytes.count, isDigit(bytes[position]) { position += 1 } }

    private mutating func parseString() throws(Error) -> String {
        lastStringWasLossy = false
        lastStringStart = position
        position += 1
        let start = position
        // Fast path: no escapes, valid UTF-8.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let string = String(validating: slice, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                try flush(&raw, into: &scalars)
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte != UInt8(ascii: "\\") { raw.append(byte); position += 1; continue }
            try flush(&raw, into: &scalars)
            position += 1
            guard position < bytes.count else { break }
            // Lone surrogates cannot live in a Swift string; Python would
            // keep them, we replace them and say so.
            if let scalar = Unicode.Scalar(try parseEscape()) { scalars.append(scalar) } else {
                scalars.append("\u{FFFD}")
                lastStringWasLossy = true
            }
        }
        throw error("unterminated string")
    }

    private mutating func flush(_ raw: inout [UInt8], into scalars: inout String.UnicodeScalarView) throws(Error) {
        guard !raw.isEmpty else { return }
        guard let string = String(validating: raw, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
        scalars.append(contentsOf: string.unicodeScalars)
        raw.removeAll(keepingCapacity: true)
    }

    /// Decodes the escape after a backslash to its code point. A high
    /// surrogate followed by a `\u` low one is one code point, as in
    /// Python; any other surrogate is returned as it is (see `isSurrogate`).
    private mutating func parseEscape() throws(Error) -> UInt32 {
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return UInt32(escape)
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"): break
        default: throw error("invalid escape")
        }
        let code = try parseHex4()
        guard (0xD800..<0xDC00).contains(code), position + 1 < bytes.count,
              bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else { return code }
        let save = position
        position += 2
        let low = try parseHex4()
        guard (0xDC00..<0xE000).contains(low) else { position = save; return code }
        return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    }

    /// A code point no valid UTF-8 string holds: what Python decodes a lone
    /// surrogate escape to (its surrogateescape names bytes that are not UTF-8).
    static func isSurrogate(_ code: UInt32) -> Bool { (0xD800..<0xE000).contains(code) }

    /// The code points a scanned string's spelling (the bytes between its
    /// quotes) decodes to, as UTF-8 that lets surrogates through (WTF-8).
    /// Why: equal bytes are then equal Python strings, and byte order is
    /// the code point order of Python's `sorted`, lone surrogates included.
    package static func codePoints(ofSpelling spelling: ArraySlice<UInt8>) -> [UInt8] {
        Array(spelling).withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count)
            while parser.position < buffer.count {
                let byte = buffer[parser.position]
                parser.position += 1
                guard byte == UInt8(ascii: "\\"), parser.position < buffer.count, let code = try? parser.parseEscape() else {
                    out.append(byte)
                    continue
                }
                switch code {
                case ..<0x80: out.append(UInt8(code))
                case ..<0x800: out += [0xC0 | UInt8(code >> 6), 0x80 | UInt8(code & 0x3F)]
                case ..<0x10000: out += [0xE0 | UInt8(code >> 12), 0x80 | UInt8(code >> 6 & 0x3F), 0x80 | UInt8(code & 0x3F)]
                default: out += [0xF0 | UInt8(code >> 18), 0x80 | UInt8(code >> 12 & 0x3F), 0x80 | UInt8(code >> 6 & 0x3F), 0x80 | UInt8(code & 0x3F)]
                }
            }
            return out
        }
    }

    private mutating func parseHex4() throws(Error) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
