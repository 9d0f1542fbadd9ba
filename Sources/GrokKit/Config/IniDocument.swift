/// The INI dialect of Python's `configparser` (which grokmirror uses), as
/// raw, uninterpolated values: `key = value` or `key: value`, keys folded to
/// lower case, `#`/`;` full-line comments, values continued on more-indented
/// lines, a `[DEFAULT]` section whose keys every section inherits, and
/// duplicate sections or keys rejected (configparser's strict mode).
public struct IniDocument: Sendable {
    public static let defaultSection = "DEFAULT"

    public private(set) var sectionNames: [String] = []
    private var sections: [String: [String: String]] = [:]
    private var defaults: [String: String] = [:]

    public init(parsing text: String, path: String) throws(ConfigError) {
        var current: String? = nil
        var currentKey: String? = nil
        var keyIndent = 0
        var valueLines: [String] = []
        var seenKeys: Set<String> = []

        func flush() {
            guard let section = current, let key = currentKey else { return }
            while let last = valueLines.last, last.isEmpty { valueLines.removeLast() }
            let value = valueLines.joined(separator: "\n")
            if section == Self.defaultSection { defaults[key] = value } else { sections[section, default: [:]][key] = value }
            currentKey = nil
            valueLines = []
        }

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let stripped = line.trimmingWhitespace()
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if stripped.isEmpty {
                if currentKey != nil { valueLines.append("") }
                continue
            }
            if currentKey != nil, indent > keyIndent {
                valueLines.append(stripped)
                continue
            }
            flush()
            if stripped.hasPrefix("["), stripped.count > 2, let close = stripped.lastIndex(of: "]") {
                let name = String(stripped[stripped.index(after: stripped.startIndex)..<close])
                if name != Self.defaultSection {
                    if sections[name] != nil { throw .syntax(path: path, line: lineNumber, reason: "section [\(name)] appears twice") }
                    sections[name] = [:]
                    sectionNames.append(name)
                }
                current = name
                seenKeys = []
                continue
            }
            guard current != nil else {
                throw .syntax(path: path, line: lineNumber, reason: "a key outside of any [section]")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .syntax(path: path, line: lineNumber, reason: "expected 'key = value', got '\(stripped)'")
            }
            let key = stripped[..<delimiter].trimmingWhitespace().lowercased()
            guard !key.isEmpty else { throw .syntax(path: path, line: lineNumber, reason: "a value without a key") }
            if !seenKeys.insert(key).inserted {
                throw .syntax(path: path, line: lineNumber, reason: "key '\(key)' appears twice in [\(current!)]")
            }
            currentKey = key
            keyIndent = indent
            let value = stripped[stripped.index(after: delimiter)...].trimmingWhitespace()
            valueLines = [value]
        }
        flush()
    }

    public func hasSection(_ name: String) -> Bool { sections[name] != nil }

    /// The raw value, falling back to `[DEFAULT]`, as configparser does.
    public func rawValue(section: String, key: String) -> String? {
        let key = key.lowercased()
        if section == Self.defaultSection { return defaults[key] }
        return sections[section]?[key] ?? defaults[key]
    }

    public mutating func setRawValue(_ value: String, section: String, key: String) {
        if sections[section] == nil { sections[section] = [:]; sectionNames.append(section) }
        sections[section]![key.lowercased()] = value
    }
}

extension StringProtocol {
    /// Python's `str.strip()` for the whitespace config files contain.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
