/// Everything that can be wrong with a config file, each naming the file and,
/// where it applies, the line, section and key.
package enum ConfigError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, reason: String)
    case missingSection(path: String, section: String)
    case missingKey(path: String, section: String, key: String)
    case interpolation(path: String, section: String, key: String, reason: String)
    case badValue(path: String, section: String, key: String, value: String, expected: String)
    case toplevel(path: String, toplevel: String, reason: String)
    /// A key the section does not have (only sections of ours are strict).
    /// Its value is not shown: it may hold a credential.
    case unknownKey(path: String, section: String, key: String, known: [String])

    package var description: String {
        switch self {
        case .missingFile(let path): return "config file \(path) does not exist"
        case .unreadable(let path, let reason): return "cannot read config file \(path): \(reason)"
        case .syntax(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .missingSection(let path, let section):
            return "\(path): section [\(section)] must exist" + (section == "core" ? " (is this a grokmirror 1.x config file?)" : "")
        case .missingKey(let path, let section, let key): return "\(path): [\(section)] \(key) is required"
        case .interpolation(let path, let section, let key, let reason): return "\(path): [\(section)] \(key): \(reason)"
        case .badValue(let path, let section, let key, let value, let expected):
            return "\(path): [\(section)] \(key) = \(value): expected \(expected)"
        case .toplevel(let path, let toplevel, let reason): return "\(path): [core] toplevel \(toplevel) \(reason)"
        case .unknownKey(let path, let section, let key, let known):
            return "\(path): [\(section)] \(key): unknown key (expected one of \(known.joined(separator: ", ")))"
        }
    }
}
