/// A git config file parsed without running git, for the few values the
/// tools read from every repository (`gitweb.owner`, preciousObjects,
/// remote URLs).
///
/// Returns nil for anything whose meaning depends on more than the file
/// itself (include directives) or that does not parse cleanly; callers then
/// ask `git config`, so the answer is always git's.
package struct GitConfigFile: Sendable {
    package struct Entry: Sendable, Equatable {
        /// `section[.subsection].name`, section and name lower-cased as git
        /// canonicalizes them.
        package let key: String
        /// nil for a bare `name` line (git's implicit true).
        package let value: String?
    }

    package let entries: [Entry]

    package init?(_ bytes: [UInt8]) {
        var parser = Parser(bytes: bytes)
        guard let entries = parser.parse() else { return nil }
        self.entries = entries
    }

    /// What grokmirror takes as the owner: it lists keys matching the regex
    /// `gitweb\..*` and keeps the last one whose final component is `owner`.
    package var gitwebOwner: Entry? {
        entries.last { $0.key.contains("gitweb.") && $0.key.split(separator: ".").last?.lowercased() == "owner" }
    }

    /// `<gitDir>/config`; nil when unreadable or unparseable.
    package static func read(gitDir: String) -> GitConfigFile? {
        FileSystem.read(gitDir + "/config", limit: 1 << 22).flatMap(GitConfigFile.init)
    }

    /// The last value of `key` (canonical case); `.some(nil)` for a bare name.
    package func lastValue(_ key: String) -> String?? {
        guard let entry = entries.last(where: { $0.key == key }) else { return nil }
        return .some(entry.value)
    }

    /// git's boolean reading of `key`, nil when absent.
    package func bool(_ key: String) -> Bool? {
        guard let value = lastValue(key) else { return nil }
        guard let text = value?.lowercased() else { return true }
        return ["yes", "true", "on", "1"].contains(text)
    }

    /// Every `remote.<name>.url`, in file order.
    package var remotes: [(name: String, url: String)] {
        entries.compactMap { entry in
            guard entry.key.hasPrefix("remote."), entry.key.hasSuffix(".url"), entry.key.count > 11, let url = entry.value else { return nil }
            return (String(entry.key.dropFirst(7).dropLast(4)), url)
        }
    }

    package var remoteURLs: [String] { remotes.map(\.url) }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C }
        private func isKeyChar(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "-")
        }

        mutating func parse() -> [Entry]? {
            var entries: [Entry] = []
            var section: String? = nil
            while let byte = current {
                if isSpace(byte) || byte == 0x0A { position += 1; continue }
                if byte == UInt8(ascii: "#") || byte == UInt8(ascii: ";") { skipLine(); continue }
                if byte == UInt8(ascii: "[") {
                    guard let header = parseHeader() else { return nil }
                    let base = header.split(separator: ".", maxSplits: 1).first.map(String.init)?.lowercased() ?? ""
                    if base == "include" || base == "includeif" { return nil }
                    section = header
                    continue
                }
                guard let section, byte | 0x20 >= 0x61, byte | 0x20 <= 0x7A else { return nil }
                let start = position
                while let c = current, isKeyChar(c) { position += 1 }
                let name = String(decoding: bytes[start..<position], as: UTF8.self).lowercased()
                while let c = current, isSpace(c) { position += 1 }
                if current == nil || current == 0x0A || current == UInt8(ascii: "#") || current == UInt8(ascii: ";") {
                    skipLine()
                    entries.append(Entry(key: section + "." + name, value: nil))
                    continue
                }
                guard current == UInt8(ascii: "=") else { return nil }
                position += 1
                guard let value = parseValue() else { return nil }
                entries.append(Entry(key: section + "." + name, value: value))
            }
            return entries
        }

        private mutating func skipLine() {
            while let c = current, c != 0x0A { position += 1 }
        }

        /// `[section]`, `[section "subsection"]` or the legacy `[section.sub]`.
        private mutating func parseHeader() -> String? {
            position += 1
            let start = position
            while let c = current, isKeyChar(c) || c == UInt8(ascii: ".") { position += 1 }
            let name = String(decoding: bytes[start..<position], as: UTF8.self).lowercased()
            guard !name.isEmpty else { return nil }
            if current == UInt8(ascii: "]") { position += 1; return name }
            guard current == 0x20 || current == 0x09 else { return nil }
            while let c = current, c == 0x20 || c == 0x09 { position += 1 }
            guard current == UInt8(ascii: "\""), !name.contains(".") else { return nil }
            position += 1
            var subsection: [UInt8] = []
            while let c = current, c != UInt8(ascii: "\"") {
                if c == 0x0A { return nil }
                if c == UInt8(ascii: "\\") {
                    position += 1
                    guard let escaped = current, escaped != 0x0A else { return nil }
                    subsection.append(escaped)
                } else {
                    subsection.append(c)
                }
                position += 1
            }
            guard current == UInt8(ascii: "\"") else { return nil }
            position += 1
            guard current == UInt8(ascii: "]") else { return nil }
            position += 1
            return name + "." + String(decoding: subsection, as: UTF8.self)
        }

        /// A value to the end of the line: quotes, escapes, continuation
        /// lines and comments as git reads them; unquoted trailing space dropped.
        private mutating func parseValue() -> String? {
            var value: [UInt8] = []
            var quoted = false
            var pendingSpace = 0
            while let c = current, isSpace(c), c != 0x0A { position += 1 }
            while let c = current {
                if c == 0x0A {
                    if quoted { return nil }
                    break
                }
                if !quoted && (c == UInt8(ascii: "#") || c == UInt8(ascii: ";")) { skipLine(); break }
                if !quoted && isSpace(c) { pendingSpace += 1; position += 1; continue }
                if pendingSpace > 0 {
                    value.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pendingSpace))
                    pendingSpace = 0
                }
                position += 1
                if c == UInt8(ascii: "\"") { quoted.toggle(); continue }
                if c == UInt8(ascii: "\\") {
                    guard let escaped = current else { return nil }
                    position += 1
                    switch escaped {
                    case 0x0A: continue
                    case UInt8(ascii: "n"): value.append(0x0A)
                    case UInt8(ascii: "t"): value.append(0x09)
                    case UInt8(ascii: "b"): value.append(0x08)
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): value.append(escaped)
                    default: return nil
                    }
                    continue
                }
                value.append(c)
            }
            return String(validating: value, as: UTF8.self)
        }
    }
}
