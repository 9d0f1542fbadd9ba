/// Everything one grok-manifest run needs, after merging the command line
/// over the config file (command-line values win, as in grokmirror).
package struct ManifestOptions: Sendable {
    package var manifestPath: String
    package var toplevel: String
    package var logFile: String? = nil
    package var debug = false
    package var useNow = false
    package var checkExportOK = false
    package var purge = false
    /// `--force-purge`: drop vanished entries even beyond `RemovalProtection`.
    package var forcePurge = false
    package var remove = false
    package var pretty = false
    package var ignorePaths: [Glob] = []
    package var ignoreRefs: [Glob] = []
    package var waitForManifest = false
    package var verbose = false
    package var paths: [String] = []
    /// `-o`: fetch each updated repository into its objstore repository.
    package var fetchObjstore = false
    package var objstore: String? = nil
    package var objstoreUsesPlumbing = false
    package var privateRepos: [Glob] = []

    package init(manifestPath: String, toplevel: String) {
        self.manifestPath = manifestPath
        self.toplevel = toplevel
    }

    /// The values the command line leaves open, in the forms it can give them.
    package struct CommandLine: Sendable {
        package var configPath: String? = nil
        package var manifestPath: String? = nil
        package var toplevel: String? = nil
        package var logFile: String? = nil
        package var useNow = false
        package var checkExportOK = false
        package var purge = false
        package var forcePurge = false
        package var remove = false
        package var pretty = false
        package var ignorePaths: [String] = []
        package var ignoreRefs: [String] = []
        package var waitForManifest = false
        package var verbose = false
        package var paths: [String] = []
        package var fetchObjstore = false
        package init() {}
    }

    package enum ResolutionError: Error, CustomStringConvertible {
        case config(ConfigError)
        case usage(String)
        package var description: String {
            switch self {
            case .config(let error): return error.description
            case .usage(let message): return message
            }
        }
    }

    /// Merges the command line over the config file (when one is given).
    package static func resolve(_ cli: CommandLine) throws(ResolutionError) -> ManifestOptions {
        var manifestPath = cli.manifestPath
        var toplevel = cli.toplevel
        var logFile = cli.logFile
        var debug = false
        var settings = GrokConfig.ManifestSettings()
        var core: GrokConfig.Core? = nil
        if let configPath = cli.configPath {
            do {
                let config = try GrokConfig.load(path: configPath)
                try config.validate()
                let loaded = config.core
                core = loaded
                manifestPath = manifestPath ?? loaded.manifest
                toplevel = toplevel ?? loaded.toplevel
                logFile = logFile ?? loaded.log
                debug = loaded.debug
                settings = try config.manifestSettings()
            } catch {
                throw .config(error)
            }
        }
        guard let manifestPath, !manifestPath.isEmpty else { throw .usage("You must provide the path to the manifest file (-m or --cfgfile)") }
        guard let toplevel, !toplevel.isEmpty else { throw .usage("You must provide the toplevel path (-t or --cfgfile)") }
        if cli.waitForManifest && cli.paths.isEmpty { throw .usage("--wait-for-manifest only makes sense when paths are passed") }
        if cli.remove && cli.paths.isEmpty { throw .usage("--remove needs the paths to remove") }
        // A missing toplevel (an unmounted disk, a typo) must not read as an
        // origin without repositories.
        guard FileSystem.isDirectory(toplevel) else {
            throw .usage("toplevel \(toplevel) does not exist or is not a directory; manifest \(manifestPath) left untouched")
        }
        var options = ManifestOptions(manifestPath: PathUtilities.absolute(manifestPath), toplevel: PathUtilities.realpath(toplevel))
        options.logFile = logFile
        options.debug = debug
        options.useNow = cli.useNow
        options.checkExportOK = cli.checkExportOK || settings.checkExportOK
        options.purge = cli.purge
        options.forcePurge = cli.forcePurge
        options.remove = cli.remove
        options.pretty = cli.pretty || settings.pretty
        options.ignorePaths = cli.ignorePaths.isEmpty ? settings.ignore : cli.ignorePaths.map(Glob.init)
        options.ignoreRefs = cli.ignoreRefs.map(Glob.init)
        options.waitForManifest = cli.waitForManifest
        options.verbose = cli.verbose
        options.paths = cli.paths
        options.fetchObjstore = cli.fetchObjstore || settings.fetchObjstore
        options.objstore = core.map { PathUtilities.realpath($0.objstore) }
        options.objstoreUsesPlumbing = core?.objstoreUsesPlumbing ?? false
        options.privateRepos = core?.privateRepos ?? []
        return options
    }
}
