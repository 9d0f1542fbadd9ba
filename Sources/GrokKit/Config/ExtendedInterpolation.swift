/// configparser's `ExtendedInterpolation`: `${key}` (same section, then
/// `[DEFAULT]`), `${section:key}`, and `$$` for a literal dollar. A
/// referenced value containing `$` is expanded in turn, at most
/// `maximumDepth` values deep, as configparser allows.
///
/// configparser has no bound on work or size: ten levels of ten references
/// each expand 10^10 times and never finish. Here every referenced value is
/// expanded once per lookup (remembered with how deep its own references
/// go, so the depth limit is applied exactly as configparser applies it)
/// and a value may grow by at most `maximumGrowth` bytes.
struct ExtendedInterpolation {
    /// configparser's `MAX_INTERPOLATION_DEPTH`.
    static let maximumDepth = 10
    /// How many bytes (UTF-8) references may add to a value: far beyond any
    /// path, URL or list of globs, far below what would exhaust memory.
    static let maximumGrowth = 1 << 20

    private struct Reference: Hashable {
        let section: ConfigName
        let key: ConfigName
    }

    /// An expanded value and how many nested expansions it took (1 when its
    /// references have no `$`), so a remembered one can be re-checked
    /// against the depth it is reached at.
    private struct Expansion {
        let value: String
        let height: Int
    }

    private let document: IniDocument
    private let path: String
    private let section: String
    private let key: String
    private let limit: Int
    private var expanded: [Reference: Expansion] = [:]

    /// The value of `[section] key` whose raw text is `raw`, expanded.
    /// - Throws: `ConfigError.interpolation` naming the file, section and key:
    ///   bad `$` syntax, a reference to a missing section or key, nesting
    ///   deeper than `maximumDepth`, or growth beyond `maximumGrowth`.
    static func expand(_ raw: String, section: String, key: String, in document: IniDocument, path: String) throws(ConfigError) -> String {
        guard ByteScan.contains(UInt8(ascii: "$"), in: raw) else { return raw }
        var expander = ExtendedInterpolation(document: document, path: path, section: section, key: key,
                                             limit: raw.utf8.count + maximumGrowth)
        return try expander.expand(raw, in: section, depth: 1).value
    }

    private init(document: IniDocument, path: String, section: String, key: String, limit: Int) {
        (self.document, self.path, self.section, self.key, self.limit) = (document, path, section, key, limit)
    }

    private mutating func expand(_ raw: String, in context: String, depth: Int) throws(ConfigError) -> Expansion {
        guard depth <= Self.maximumDepth else {
            throw failure("${...} references nest deeper than \(Self.maximumDepth) levels (a reference loop?)")
        }
        var result = ""
        var height = 1
        var rest = raw.unicodeScalars[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += Substring(rest[..<dollar])
            let after = rest.index(after: dollar)
            if after < rest.endIndex, rest[after] == "$" {
                result += "$"
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard after < rest.endIndex, rest[after] == "{", let close = rest[after...].firstIndex(of: "}"),
                  close > rest.index(after: after) else {
                throw failure("'$' must be followed by '$' or '{name}', found: \(IniParser.excerpt(rest[dollar...]))")
            }
            let name = PythonText.string(rest[rest.index(after: after)..<close])
            rest = rest[rest.index(after: close)...]
            let (target, value) = try resolve(name, from: context)
            if ByteScan.contains(UInt8(ascii: "$"), in: value) {
                let nested = try expandReferenced(target, value: value, depth: depth + 1)
                result += nested.value
                height = max(height, nested.height + 1)
            } else {
                result += value
            }
            try checkSize(result)
        }
        result += Substring(rest)
        try checkSize(result)
        return Expansion(value: result, height: height)
    }

    /// A referenced value, expanded once and remembered.
    private mutating func expandReferenced(_ target: (section: String, key: String), value: String, depth: Int) throws(ConfigError) -> Expansion {
        let reference = Reference(section: ConfigName(target.section), key: ConfigName(target.key))
        if let known = expanded[reference] {
            guard depth + known.height - 1 <= Self.maximumDepth else {
                throw failure("${...} references nest deeper than \(Self.maximumDepth) levels")
            }
            return known
        }
        let result = try expand(value, in: target.section, depth: depth)
        expanded[reference] = result
        return result
    }

    /// `${key}` looks in `context` (then `[DEFAULT]`), `${section:key}` in
    /// that section (then `[DEFAULT]`); keys fold to lower case.
    private func resolve(_ name: String, from context: String) throws(ConfigError) -> ((section: String, key: String), String) {
        let parts = name.unicodeScalars.split(separator: ":", omittingEmptySubsequences: false).map(PythonText.string)
        let target: (section: String, key: String)
        switch parts.count {
        case 1: target = (context, PythonText.lower(parts[0]))
        case 2: target = (parts[0], PythonText.lower(parts[1]))
        default: throw failure("more than one ':' in ${\(name)}")
        }
        guard ConfigName(target.section) == IniDocument.defaultName || document.hasSection(target.section),
              let value = document.rawValue(section: target.section, key: target.key) else {
            throw failure("${\(name)} refers to a key that does not exist")
        }
        return (target, value)
    }

    private func checkSize(_ value: String) throws(ConfigError) {
        guard value.utf8.count <= limit else {
            throw failure("${...} references expand it by more than \(Self.maximumGrowth / 1024 / 1024) MiB (references multiplying each other?)")
        }
    }

    private func failure(_ reason: String) -> ConfigError {
        .interpolation(path: path, section: section, key: key, reason: reason)
    }
}
