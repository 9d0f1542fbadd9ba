/// gitweb/cgit's projects.list: one gitdir per line without the leading
/// `/`, `trimtop` removed, symlinks too when asked (pure rendering; the
/// file is replaced atomically).
package enum ProjectsList {
    package static func render(_ manifest: Manifest, trimTop: String, includeSymlinks: Bool) -> String {
        // Byte-wise, as Python's str.startswith compares code points.
        func line(_ gitdir: Gitdir) -> String {
            var path = Substring(gitdir.path).utf8[...]
            if !trimTop.isEmpty, path.starts(with: trimTop.utf8) { path = path.dropFirst(trimTop.utf8.count) }
            return String(decoding: path.drop { $0 == UInt8(ascii: "/") }, as: UTF8.self) + "\n"
        }
        var text = ""
        for gitdir in manifest.gitdirs {
            text += line(gitdir)
            if includeSymlinks { for link in manifest[gitdir]!.symlinks { text += line(link) } }
        }
        return text
    }

    /// Whether `bytes` can be a projects list some tool wrote: UTF-8 text,
    /// one relative path per line, no line that an INI file, a script or a
    /// comment would start with. Anything else is another file (a config
    /// named by mistake), which grok-pull must not replace.
    package static func looksLikeOne(_ bytes: [UInt8]) -> Bool {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else { return false }
        for line in text.unicodeScalars.split(separator: "\n") {
            guard let first = line.first else { continue }
            if "/[#;! \t".unicodeScalars.contains(first) || line.contains(where: { $0.value < 0x20 && $0 != "\r" }) { return false }
        }
        return true
    }
}
