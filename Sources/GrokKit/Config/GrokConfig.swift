import Glibc

/// A loaded `grokmirror.conf`: typed, interpolated values with the
/// contract's defaults. Errors name the file, section and key.
package struct GrokConfig: Sendable {
    package let path: String
    package let document: IniDocument
    /// The config file's mtime: a change forces grok-pull to a full check.
    package let lastModified: Int
    /// Which file was read and which version of it (device, inode, size,
    /// mtime to the nanosecond), taken before reading: the service reloads
    /// when it differs, so an edit within the same second is not missed.
    private(set) var fileIdentity: FileIdentity? = nil
    /// `[core]`, resolved once at load: toplevel, manifest and objstore as
    /// plain paths, the rest interpolated (a bad value here falls back to
    /// the default; `validate()` reports it with its location).
    package let core: Core

    // MARK: Loading

    /// Reads, parses and checks a config file as grokmirror does.
    /// - Throws: `ConfigError` naming the file (and line, section or key):
    ///   missing or unreadable, not UTF-8, containing a NUL, not parseable as
    ///   configparser parses it, without `[core] toplevel`, or a toplevel
    ///   that is not a writable directory.
    /// `writableToplevel: false` is for grok-serve, which only reads the
    /// mirror (its unit mounts toplevel read-only).
    package static func load(path: String, writableToplevel: Bool = true) throws(ConfigError) -> GrokConfig {
        guard FileSystem.exists(path) else { throw .missingFile(path: path) }
        let identity = FileIdentity(path: path)
        guard let bytes = FileSystem.read(path) else { throw .unreadable(path: path, reason: FileSystem.errorDescription()) }
        let text = try ConfigText.decode(bytes, path: path)
        var config = try GrokConfig(text: text, path: path, lastModified: identity?.modifiedSeconds ?? 0)
        config.fileIdentity = identity
        try config.validateToplevel(writable: writableToplevel)
        return config
    }

    /// Parses config text without touching the filesystem (toplevel is not
    /// checked); `load(path:)` is what the tools use.
    package init(text: String, path: String, lastModified: Int = 0) throws(ConfigError) {
        var document = try IniDocument(parsing: text, path: path)
        guard document.hasSection("core") else { throw .missingSection(path: path, section: "core") }
        func coreValue(_ key: String) throws(ConfigError) -> String? {
            guard let raw = document.rawValue(section: "core", key: key) else { return nil }
            return try ExtendedInterpolation.expand(raw, section: "core", key: key, in: document, path: path)
        }
        // Resolve toplevel first: objstore and manifest default relative to it.
        guard let rawTop = try coreValue("toplevel"), !rawTop.isEmpty else {
            throw .missingKey(path: path, section: "core", key: "toplevel")
        }
        let toplevel = PathUtilities.realpath(Self.expandUser(rawTop))
        document.setRawValue(toplevel.replacingDollars(), section: "core", key: "toplevel")
        if try coreValue("objstore")?.isEmpty ?? true {
            document.setRawValue(PathUtilities.join(toplevel, "objstore").replacingDollars(), section: "core", key: "objstore")
        }
        if try coreValue("manifest")?.isEmpty ?? true {
            document.setRawValue(PathUtilities.join(toplevel, "manifest.js.gz").replacingDollars(), section: "core", key: "manifest")
        }
        self.path = path
        self.lastModified = lastModified
        self.document = document
        core = Core(document: document, path: path)
    }

    private func validateToplevel(writable: Bool) throws(ConfigError) {
        let top = core.toplevel
        guard FileSystem.isDirectory(top) else { throw .toplevel(path: path, toplevel: top, reason: "does not exist or is not a directory") }
        guard !writable || access(top, W_OK) == 0 else { throw .toplevel(path: path, toplevel: top, reason: "is not writable") }
    }

    /// Python's `os.path.expanduser` for `~` and `~/…`: `$HOME` without its
    /// trailing slashes in place of the `~` (compared as code points, so a
    /// combining mark after the slash does not hide it). `~user` and paths
    /// without `~` are returned unchanged, as is everything when HOME is unset.
    package static func expandUser(_ path: String) -> String {
        var rest = path.unicodeScalars[...]
        guard rest.popFirst() == "~", rest.isEmpty || rest.first == "/" else { return path }
        guard var home = getenv("HOME").map({ String(cString: $0) }) else { return path }
        while home.unicodeScalars.last == "/" { home.unicodeScalars.removeLast() }
        let expanded = home + Substring(rest)
        return expanded.isEmpty ? "/" : expanded
    }

    // MARK: Typed access

    package func hasSection(_ section: String) -> Bool { document.hasSection(section) }

    /// The interpolated value, or nil when the key (or section) is absent.
    package func string(_ section: String, _ key: String) throws(ConfigError) -> String? {
        guard document.hasSection(section), let raw = document.rawValue(section: section, key: key) else { return nil }
        return try ExtendedInterpolation.expand(raw, section: section, key: key, in: document, path: path)
    }

    package func string(_ section: String, _ key: String, default fallback: String) throws(ConfigError) -> String {
        try string(section, key) ?? fallback
    }

    /// configparser's booleans: 1/yes/true/on and 0/no/false/off.
    package func bool(_ section: String, _ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let value = try string(section, key) else { return fallback }
        guard let parsed = Self.boolean(value) else {
            throw .badValue(path: path, section: section, key: key, value: value, expected: "yes/no, true/false, on/off or 1/0")
        }
        return parsed
    }

    /// configparser's spelling of a boolean, nil for anything else.
    static func boolean(_ value: String) -> Bool? {
        switch PythonText.lower(value) {
        case "1", "yes", "true", "on": return true
        case "0", "no", "false", "off": return false
        default: return nil
        }
    }

    package func int(_ section: String, _ key: String, default fallback: Int) throws(ConfigError) -> Int {
        guard let value = try string(section, key), !value.isEmpty else { return fallback }
        guard let number = Int(PythonText.strip(value)) else {
            throw .badValue(path: path, section: section, key: key, value: value, expected: "a whole number")
        }
        return number
    }

    /// A multi-line value as its non-empty lines (globs, hooks, flags), each
    /// stripped of whitespace as Python's `str.strip()` strips it.
    package func lines(_ section: String, _ key: String) throws(ConfigError) -> [String] {
        guard let value = try string(section, key) else { return [] }
        return Self.nonEmptyLines(value)
    }

    static func nonEmptyLines(_ value: String) -> [String] { PythonText.strippedLines(value).filter { !$0.isEmpty } }

    package func globs(_ section: String, _ key: String) throws(ConfigError) -> [Glob] {
        try lines(section, key).map(Glob.init)
    }

    // MARK: [core]

    package struct Core: Sendable {
        package let toplevel: String
        package let manifest: String
        package let objstore: String
        package let log: String?
        package let debug: Bool
        package let objstoreUsesPlumbing: Bool
        package let privateRepos: [Glob]

        /// From a document whose toplevel, manifest and objstore `init`
        /// rewrote to plain paths (so those cannot fail to interpolate).
        init(document: IniDocument, path: String) {
            func value(_ key: String) -> String? {
                document.rawValue(section: "core", key: key)
                    .flatMap { try? ExtendedInterpolation.expand($0, section: "core", key: key, in: document, path: path) }
            }
            toplevel = value("toplevel") ?? "/"
            manifest = value("manifest") ?? PathUtilities.join(toplevel, "manifest.js.gz")
            objstore = value("objstore") ?? PathUtilities.join(toplevel, "objstore")
            log = value("log").flatMap { $0.isEmpty ? nil : GrokConfig.expandUser($0) }
            debug = value("loglevel")?.lowercased() == "debug"
            objstoreUsesPlumbing = value("objstore_uses_plumbing").flatMap(GrokConfig.boolean) ?? false
            privateRepos = value("private").map { GrokConfig.nonEmptyLines($0).map(Glob.init) } ?? []
        }
    }


    /// Checks every value the tools read, so that a bad one is reported at
    /// startup with its location instead of halfway through a run.
    package func validate() throws(ConfigError) {
        for section in document.sectionNames {
            for key in Self.knownKeys[section] ?? [] { _ = try string(section, key) }
        }
        _ = try bool("core", "objstore_uses_plumbing", default: false)
        _ = try manifestSettings()
    }

    /// Every key the tools read, by section.
    static let knownKeys: [String: [String]] = [
        "core": ["toplevel", "manifest", "objstore", "log", "loglevel", "objstore_uses_plumbing", "private"],
        "manifest": ["pretty", "ignore", "fetch_objstore", "check_export_ok"],
        "remote": ["site", "manifest", "manifest_command", "preload_bundle_url"],
        "pull": ["projectslist", "projectslist_trimtop", "projectslist_symlinks", "post_update_hook",
                 "post_clone_complete_hook", "post_work_complete_hook", "purge", "nopurge", "purgeprotect",
                 "default_owner", "remotename", "pull_threads", "retries", "include", "exclude", "ffonly",
                 "refresh", "socket"],
        "fsck": ["frequency", "statusfile", "ignore_errors", "reclone_on_errors", "repack", "extra_repack_flags",
                 "extra_repack_flags_full", "commitgraph", "prune", "precious", "baselines", "islandcores",
                 "obstrepo_merge_strategy", "preload_bundle_outdir", "report_to", "report_from",
                 "report_subject", "report_mailhost"],
    ]

    // MARK: [manifest]

    package struct ManifestSettings: Sendable, Equatable {
        package var pretty = false
        package var ignore: [Glob] = []
        package var fetchObjstore = false
        package var checkExportOK = false
    }

    package func manifestSettings() throws(ConfigError) -> ManifestSettings {
        ManifestSettings(
            pretty: try bool("manifest", "pretty", default: false),
            ignore: try globs("manifest", "ignore"),
            fetchObjstore: try bool("manifest", "fetch_objstore", default: false),
            checkExportOK: try bool("manifest", "check_export_ok", default: false)
        )
    }
}

extension String {
    /// Escapes `$` so a resolved path stored back into the document is not
    /// interpolated a second time.
    fileprivate func replacingDollars() -> String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar == "$" { out.unicodeScalars.append("$") }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
