/// gitweb/cgit's projects.list: one gitdir per line without the leading
/// `/`, `trimtop` removed, symlinks too when asked (pure rendering; the
/// file is replaced atomically).
public enum ProjectsList {
    public static func render(_ manifest: Manifest, trimTop: String, includeSymlinks: Bool) -> String {
        func line(_ gitdir: String) -> String {
            let trimmed = !trimTop.isEmpty && gitdir.hasPrefix(trimTop) ? String(gitdir.dropFirst(trimTop.count)) : gitdir
            return String(trimmed.drop { $0 == "/" }) + "\n"
        }
        var text = ""
        for gitdir in manifest.gitdirs {
            text += line(gitdir)
            if includeSymlinks { for link in manifest[gitdir]!.symlinks { text += line(link) } }
        }
        return text
    }
}
