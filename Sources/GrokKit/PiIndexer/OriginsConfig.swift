/// What an origin says about one of its inboxes: the git-config snippet
/// lore keeps in the epochs' `refs/meta/origins:i`, or public-inbox-httpd
/// serves at `<inbox>/_/text/config/raw`.
///
/// Keys are read from `[publicinbox "..."]` sections and from lines before
/// any section; other sections (public-inbox-httpd appends `[coderepo]`
/// ones) are skipped. grokmirror read every line and failed on the first
/// section header it did not expect.
package struct OriginsConfig: Sendable, Equatable {
    package struct Option: Sendable, Equatable {
        /// Lowercased, as git config keys are case-insensitive.
        package let key: String
        package let value: String
        package init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    package var addresses: [String] = []
    package var description: String?
    package var newsgroup: String?
    package var listids: [String] = []
    /// Every other key of the inbox, in order.
    package var options: [Option] = []

    package init() {}

    /// A line that is not a comment, a section header or `key = value`.
    package struct InvalidLine: Error, CustomStringConvertible, Equatable {
        package let line: String
        package var description: String { "invalid config line: \(line)" }
    }

    /// Reads the snippet; throws on a line of an inbox section that is not
    /// `key = value` (as grokmirror refused such a snippet).
    package static func parse(_ text: String) throws(InvalidLine) -> OriginsConfig {
        var config = OriginsConfig()
        var inInboxSection = true
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix(";") || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                inInboxSection = line.lowercased().hasPrefix("[publicinbox")
                continue
            }
            guard inInboxSection else { continue }
            guard let equals = line.firstIndex(of: "=") else { throw InvalidLine(line: line) }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            guard isKey(key) else { throw InvalidLine(line: line) }
            config.add(key: key, value: unquoted(line[line.index(after: equals)...].trimmingWhitespace()))
        }
        return config
    }

    private mutating func add(key: String, value: String) {
        switch key {
        case "address": addresses.append(value)
        case "description": description = value
        case "newsgroup": newsgroup = value
        case "listid": listids.append(value)
        default: options.append(Option(key: key, value: value))
        }
    }

    /// git config's variable names: a letter, then letters, digits or '-'.
    private static func isKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCIILetter else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A value written in double quotes, as git config allows, loses them
    /// (and its backslash escapes); anything else is taken as it is.
    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
