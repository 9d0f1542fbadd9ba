/// A config file as Python's `configparser` (which grokmirror uses) reads
/// it, as raw, uninterpolated values: `key = value` or `key: value`, keys
/// folded to lower case, `#`/`;` full-line comments, values continued on
/// more-indented lines, a `[DEFAULT]` section whose keys every section
/// inherits, and duplicate sections or keys rejected (configparser's strict
/// mode). Names are compared code point by code point, as Python does.
package struct IniDocument: Sendable {
    package static let defaultSection = "DEFAULT"
    static let defaultName = ConfigName(defaultSection)

    /// Section names in file order, `[DEFAULT]` excluded.
    package private(set) var sectionNames: [String] = []
    private var sections: [ConfigName: [ConfigName: String]] = [:]
    private var defaults: [ConfigName: String] = [:]

    /// Parses config text; `path` is only used in errors.
    /// - Throws: `ConfigError.syntax` with the line of what configparser
    ///   refuses (a line before any section, a line that is neither a
    ///   section, an option nor a continuation, a duplicate section or key)
    ///   and of a NUL, which configparser reads but no path can hold.
    /// Cost: linear in the text's size.
    package init(parsing text: String, path: String) throws(ConfigError) {
        var parser = IniParser(path: path)
        for (index, line) in try ConfigLines.split(text, path: path).enumerated() {
            try parser.read(line, number: index + 1)
        }
        parser.finish()
        for section in parser.sections {
            if ConfigName(section.name) == Self.defaultName {
                defaults = section.values
            } else {
                sectionNames.append(section.name)
                sections[ConfigName(section.name)] = section.values
            }
        }
    }

    package func hasSection(_ name: String) -> Bool { sections[ConfigName(name)] != nil }

    /// The raw value, falling back to `[DEFAULT]`, as configparser does.
    package func rawValue(section: String, key: String) -> String? {
        let key = ConfigName(PythonText.lower(key))
        if ConfigName(section) == Self.defaultName { return defaults[key] }
        return sections[ConfigName(section)]?[key] ?? defaults[key]
    }

    /// The keys `rawValue(section:key:)` finds in a section, `[DEFAULT]`'s
    /// included, in no particular order.
    package func keys(in section: String) -> [String] {
        var names = Set(defaults.keys)
        if ConfigName(section) != Self.defaultName, let values = sections[ConfigName(section)] { names.formUnion(values.keys) }
        return names.map(\.text)
    }

    /// The keys written in the section itself, without `[DEFAULT]`'s.
    package func ownKeys(in section: String) -> [String] {
        sections[ConfigName(section)].map { $0.keys.map(\.text) } ?? []
    }

    package mutating func setRawValue(_ value: String, section: String, key: String) {
        let name = ConfigName(section)
        if sections[name] == nil { sections[name] = [:]; sectionNames.append(section) }
        sections[name]![ConfigName(PythonText.lower(key))] = value
    }
}
