/// One public-inbox repository's settings from a grok-pi-piper config
/// (`pi-piper.conf`, no `[core]`): the last section whose name matches the
/// repository as `*/<section>/git/*.git`, falling back to `[DEFAULT]`,
/// whose keys every section inherits. Keys: `pipe`, `log`, `loglevel`,
/// `shallow`, read with configparser's extended interpolation as
/// grokmirror 2.0.12 reads them.
package struct PiPiperSettings: Sendable, Equatable {
    /// What `pipe` says.
    package enum Pipe: Sendable, Equatable {
        /// `pipe = None`: this list is not piped; the tool exits 0 at once.
        case disabled
        /// No `pipe` (or an empty one): an error, not a hang as in grokmirror.
        case unset
        /// The command line, split later by `PipeCommand`.
        case command(String)
    }

    /// The section the settings come from (`DEFAULT` when none matched).
    package var section: String
    package var pipe: Pipe
    /// The log file, `~` expanded; nil for none.
    package var log: String? = nil
    /// `loglevel = debug` (exactly that spelling, as grokmirror compares it).
    package var debug = false
    /// `shallow = yes`: prune every piped message from the repository.
    package var shallow = false

    /// The section for `repo` (trailing slashes aside): the last of
    /// `sections`, in file order, whose name, used as a glob, makes
    /// `*/<name>/git/*.git` match. Callers pass an absolute path, so that
    /// `lkml/git/0.git` given from the lore directory finds `[lkml]`.
    package static func section(for repo: String, among sections: [String]) -> String {
        var path = repo
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return sections.last { Glob("*/" + $0 + "/git/*.git").matches(path) } ?? IniDocument.defaultSection
    }

    /// Reads and parses the config at `path` and picks `repo`'s section.
    /// - Throws: `ConfigError` naming the file (and section and key): a
    ///   missing or unreadable file (grokmirror silently reads nothing and
    ///   then hangs), one configparser would refuse, a value that does not
    ///   interpolate, or a `shallow` that is not a boolean.
    package static func load(path: String, repo: String) throws(ConfigError) -> PiPiperSettings {
        guard FileSystem.exists(path) else { throw .missingFile(path: path) }
        guard let bytes = FileSystem.read(path) else { throw .unreadable(path: path, reason: FileSystem.errorDescription()) }
        let document = try IniDocument(parsing: try ConfigText.decode(bytes, path: path), path: path)
        return try PiPiperSettings(document: document, path: path, repo: repo)
    }

}

extension PiPiperSettings {
    /// The settings from a parsed document; `path` is only used in errors.
    /// With `pipe = None` nothing else is read, so a bad value elsewhere
    /// in that section does not matter (as in grokmirror).
    package init(document: IniDocument, path: String, repo: String) throws(ConfigError) {
        let section = Self.section(for: PathUtilities.absolute(repo), among: document.sectionNames)
        func value(_ key: String) throws(ConfigError) -> String? {
            guard let raw = document.rawValue(section: section, key: key) else { return nil }
            return try ExtendedInterpolation.expand(raw, section: section, key: key, in: document, path: path)
        }
        self.section = section
        switch try value("pipe") {
        case "None": pipe = .disabled; return
        case nil: pipe = .unset
        case let line?: pipe = PythonText.strip(line).isEmpty ? .unset : .command(line)
        }
        log = try value("log").flatMap { $0.isEmpty ? nil : GrokConfig.expandUser($0) }
        debug = try value("loglevel") == "debug"
        if let shallow = try value("shallow") {
            guard let parsed = GrokConfig.boolean(shallow) else {
                throw .badValue(path: path, section: section, key: "shallow", value: shallow, expected: "yes/no, true/false, on/off or 1/0")
            }
            self.shallow = parsed
        }
    }
}
