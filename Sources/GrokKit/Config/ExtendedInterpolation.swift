/// configparser's `ExtendedInterpolation`: `${key}` (same section, then
/// `[DEFAULT]`), `${section:key}`, and `$$` for a literal dollar; nesting up
/// to the same depth limit (10).
enum ExtendedInterpolation {
    static let maximumDepth = 10

    static func expand(_ raw: String, section: String, key: String, in document: IniDocument, path: String, depth: Int = 1) throws(ConfigError) -> String {
        guard raw.contains("$") else { return raw }
        guard depth <= maximumDepth else {
            throw .interpolation(path: path, section: section, key: key, reason: "interpolation nested deeper than \(maximumDepth) levels (a reference loop?)")
        }
        var result = ""
        var rest = Substring(raw)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest.index(after: dollar)
            if after < rest.endIndex, rest[after] == "$" {
                result += "$"
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard after < rest.endIndex, rest[after] == "{", let close = rest[after...].firstIndex(of: "}") else {
                throw .interpolation(path: path, section: section, key: key, reason: "'$' must be followed by '$' or '{': \(raw)")
            }
            let reference = rest[rest.index(after: after)..<close]
            let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
            let targetSection: String, targetKey: String
            switch parts.count {
            case 1: (targetSection, targetKey) = (section, String(parts[0]))
            case 2: (targetSection, targetKey) = (String(parts[0]), String(parts[1]))
            default:
                throw .interpolation(path: path, section: section, key: key, reason: "more than one ':' in ${\(reference)}")
            }
            guard targetSection == IniDocument.defaultSection || document.hasSection(targetSection),
                  let value = document.rawValue(section: targetSection, key: targetKey) else {
                throw .interpolation(path: path, section: section, key: key, reason: "${\(reference)} refers to a key that does not exist")
            }
            result += try expand(value, section: targetSection, key: targetKey, in: document, path: path, depth: depth + 1)
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }
}
