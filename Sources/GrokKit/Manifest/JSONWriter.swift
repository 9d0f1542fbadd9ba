/// Serializes `JSONValue`s the way Python's `json.dumps` does (ASCII only,
/// `", "`/`": "` separators when compact; indent 2 with sorted keys when
/// pretty; indent 2 in insertion order when indented), so files we write
/// look like grokmirror's.
package struct JSONWriter {
    package enum Style: Sendable { case compact, pretty, indented }

    private var out: [UInt8] = []
    private let style: Style

    init(style: Style, capacity: Int) {
        self.style = style
        out.reserveCapacity(capacity)
    }

    package static func serialize(_ value: JSONValue, style: Style, capacityHint: Int = 1024) -> [UInt8] {
        var writer = JSONWriter(style: style, capacity: capacityHint)
        writer.write(value, indent: 0)
        return writer.out
    }

    /// One object member as it appears inside an object at `indent`: the
    /// line break and indentation, then `"key": value`.
    static func serializeMember(key: String, value: JSONValue, style: Style, indent: Int) -> [UInt8] {
        var writer = JSONWriter(style: style, capacity: 256)
        if style != .compact { writer.newline(indent: indent) }
        writer.writeString(key)
        writer.append(": ")
        writer.write(value, indent: indent)
        return writer.out
    }

    var bytes: [UInt8] { out }

    mutating func appendByte(_ byte: UInt8) { out.append(byte) }

    mutating func appendBytes(_ bytes: ArraySlice<UInt8>) { out.append(contentsOf: bytes) }

    mutating func append(_ literal: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private mutating func newline(indent: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent))
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): flag ? append("true") : append("false")
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): writeString(text)
        case .array(let items):
            if items.isEmpty { append("[]"); return }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                beginItem(index, indent: indent)
                write(item, indent: indent + 2)
            }
            end(UInt8(ascii: "]"), indent: indent)
        case .object(let object):
            if object.isEmpty { append("{}"); return }
            out.append(UInt8(ascii: "{"))
            let keys = style == .pretty ? object.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) } : object.keys
            for (index, key) in keys.enumerated() {
                beginItem(index, indent: indent)
                writeString(key)
                append(": ")
                write(object[key]!, indent: indent + 2)
            }
            end(UInt8(ascii: "}"), indent: indent)
        }
    }

    /// What this style puts before item `index` of an array or object
    /// written at `indent`: the separator, then the line break and
    /// indentation. The manifest writes its top level with it, item by item.
    mutating func beginItem(_ index: Int, indent: Int) {
        if index > 0 { style == .compact ? append(", ") : append(",") }
        if style != .compact { newline(indent: indent + 2) }
    }

    /// Closes a non-empty array or object written at `indent`.
    mutating func end(_ bracket: UInt8, indent: Int) {
        if style != .compact { newline(indent: indent) }
        out.append(bracket)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func writeUnicodeEscape(_ unit: UInt16) {
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(Self.hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }

    mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"")
            case "\\": append("\\\\")
            case "\n": append("\\n")
            case "\r": append("\\r")
            case "\t": append("\\t")
            case "\u{08}": append("\\b")
            case "\u{0C}": append("\\f")
            default:
                if scalar.value < 0x20 {
                    writeUnicodeEscape(UInt16(scalar.value))
                } else if scalar.value < 0x80 {
                    out.append(UInt8(scalar.value))
                } else {
                    for unit in String(scalar).utf16 { writeUnicodeEscape(unit) }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
