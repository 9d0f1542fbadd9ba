/// configparser's `RawConfigParser._read` rules (Python 3, strict, `=` and
/// `:` delimiters, `#`/`;` full-line comments, empty lines kept inside
/// values), applied one line at a time on code points.
struct IniParser {
    /// A section as read: its name exactly as written and its raw values.
    struct Section {
        let name: String
        var values: [ConfigName: String] = [:]
    }

    private let path: String
    /// In file order; `[DEFAULT]` may appear several times but is one section.
    private(set) var sections: [Section] = []
    private var sectionIndex: [ConfigName: Int] = [:]
    private var current: Int?
    private var option: ConfigName?
    private var valueLines: [Substring.UnicodeScalarView] = []
    /// The indentation (in code points) of the last section or option line.
    private var indentLevel = 0
    /// (section, key) pairs seen, to refuse a repeated key as strict mode does.
    private var seenOptions: Set<[ConfigName]> = []

    init(path: String) { self.path = path }

    /// Reads one line (without its line end).
    /// - Throws: `ConfigError.syntax` naming `number` when configparser
    ///   would refuse the line.
    mutating func read(_ line: Substring.UnicodeScalarView, number: Int) throws(ConfigError) {
        let stripped = PythonText.strip(line)
        if let first = stripped.first, first == "#" || first == ";" { return }
        if stripped.isEmpty {
            if option != nil { valueLines.append(stripped) }
            return
        }
        let indent = line.distance(from: line.startIndex, to: stripped.startIndex)
        if option != nil, indent > indentLevel {
            valueLines.append(stripped)
            return
        }
        finishOption()
        indentLevel = indent
        if let name = Self.sectionHeader(stripped) {
            try enterSection(name, number: number)
        } else if current == nil {
            let bom = stripped.first == "\u{FEFF}" ? " (it starts with a byte-order mark; save the file as UTF-8 without one)" : ""
            throw .syntax(path: path, line: number, reason: "a line before the first [section]\(bom)")
        } else {
            try startOption(stripped, number: number)
        }
    }

    /// Stores the value being read, if any; call after the last line.
    mutating func finish() { finishOption() }

    /// configparser's `\[(?P<header>.+)\]` matched at the start: the text
    /// between the opening bracket and the last closing one, at least one
    /// code point long; anything after that bracket is ignored.
    static func sectionHeader(_ stripped: Substring.UnicodeScalarView) -> String? {
        guard stripped.first == "[", let close = stripped.lastIndex(of: "]") else { return nil }
        let nameStart = stripped.index(after: stripped.startIndex)
        guard close > nameStart else { return nil }
        return PythonText.string(stripped[nameStart..<close])
    }

    private mutating func enterSection(_ name: String, number: Int) throws(ConfigError) {
        let key = ConfigName(name)
        if let index = sectionIndex[key] {
            guard key == IniDocument.defaultName else {
                throw .syntax(path: path, line: number, reason: "section [\(name)] appears twice")
            }
            current = index
        } else {
            sectionIndex[key] = sections.count
            current = sections.count
            sections.append(Section(name: name))
        }
    }

    /// `key = value` or `key: value`: the key ends at the first `=` or `:`.
    private mutating func startOption(_ stripped: Substring.UnicodeScalarView, number: Int) throws(ConfigError) {
        guard let current, let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
            throw .syntax(path: path, line: number, reason: "expected 'key = value', '[section]' or an indented continuation, got '\(Self.excerpt(stripped))'")
        }
        let key = PythonText.lower(PythonText.string(PythonText.rstrip(stripped[..<delimiter])))
        guard !key.isEmpty else { throw .syntax(path: path, line: number, reason: "a value without a key") }
        let name = ConfigName(key)
        guard seenOptions.insert([ConfigName(sections[current].name), name]).inserted else {
            throw .syntax(path: path, line: number, reason: "key '\(key)' appears twice in [\(sections[current].name)]")
        }
        option = name
        valueLines = [PythonText.lstrip(stripped[stripped.index(after: delimiter)...])]
    }

    /// The start of a line for an error message, at most 60 code points.
    static func excerpt(_ text: Substring.UnicodeScalarView) -> String {
        let end = text.index(text.startIndex, offsetBy: 60, limitedBy: text.endIndex) ?? text.endIndex
        return PythonText.string(text[..<end]) + (end < text.endIndex ? "…" : "")
    }

    /// Joins the lines read for the current option with "\n", dropping
    /// trailing empty lines (configparser's `rstrip()` of the joined value).
    private mutating func finishOption() {
        guard let option, let current else { return }
        while let last = valueLines.last, last.isEmpty { valueLines.removeLast() }
        var value = ""
        for (index, line) in valueLines.enumerated() {
            if index > 0 { value += "\n" }
            value += Substring(line)
        }
        sections[current].values[option] = value
        self.option = nil
        valueLines = []
    }
}
