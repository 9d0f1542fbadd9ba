import Glibc
import Logging

/// Gets the origin's manifest the way grok-pull does: `manifest_command`,
/// `file://` (by mtime) or http(s) (by `If-Modified-Since`, from the
/// `.remote` status file). An empty, truncated or unparseable manifest is
/// always an error, never an empty collection.
///
/// The status file is not written here: a run that was killed or failed
/// before its work was done must not make the next one see "unchanged"
/// (grokmirror 2.0.12 writes it at once, so a crashed initial mirror stays
/// incomplete until the origin's manifest changes). The caller saves
/// `status` once everything the manifest asked for is done.
package struct RemoteManifestFetcher: Sendable {
    package enum Outcome: Sendable {
        case unchanged
        /// `status`: what to record in `statusPath` when the manifest's
        /// work is complete; nil for `manifest_command`, which keeps its own.
        case fetched(Manifest, status: RemoteManifestStatus?)
    }

    package struct Failure: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    package let settings: PullSettings
    package let localManifestPath: String
    package let configLastModified: Int
    package let logger: Logger
    package var http = HTTPClient()
    /// Decompressed manifests larger than this are refused (a gzip bomb).
    package var sizeLimit = 512 << 20
    package var commandTimeout: Duration = .seconds(600)

    package init(settings: PullSettings, localManifestPath: String, configLastModified: Int, logger: Logger) {
        self.settings = settings
        self.localManifestPath = localManifestPath
        self.configLastModified = configLastModified
        self.logger = logger
    }

    /// The `.remote` status file beside the local manifest.
    package var statusPath: String { RemoteManifestStatus.path(forLocalManifest: localManifestPath) }

    /// `force`: ignore mtimes (`-n`, or the first check of a daemon).
    package func fetch(force: Bool) async throws(Failure) -> Outcome {
        if let command = settings.manifestCommand { return try await runCommand(command, force: force) }
        guard let url = settings.manifestURL else { throw Failure(message: "no [remote] manifest configured") }
        let status = RemoteManifestStatus.load(statusPath)
        var force = force
        if status?.configLastModified != configLastModified {
            logger.debug("Config file changed since the last run: not trusting manifest mtimes")
            force = true
        }
        if let status, status.source != url {
            logger.debug("Last fetch was from \(status.source): not trusting its mtime for \(url)")
            force = true
        }
        let lastFetched = (force ? nil : status?.lastFetched).flatMap { $0 > 0 ? $0 : nil }
        logger.info(" manifest: fetching \(url)")
        let manifest: Manifest
        let lastModified: Int
        if url.hasPrefix("file://") {
            let path = String(url.dropFirst("file://".count))
            guard FileSystem.exists(path) else { throw Failure(message: "remote manifest \(path) does not exist") }
            lastModified = FileSystem.modificationTime(path) ?? 0
            if let lastFetched, lastModified <= lastFetched {
                logger.info(" manifest: unchanged")
                return .unchanged
            }
            guard let bytes = FileSystem.read(path, limit: sizeLimit) else { throw Failure(message: "cannot read remote manifest \(path)") }
            manifest = try decode(bytes, source: url)
        } else if url.hasPrefix("http://") || url.hasPrefix("https://") {
            let response: HTTPClient.Response
            do { response = try await http.get(url, ifModifiedSince: lastFetched) } catch {
                throw Failure(message: "cannot fetch remote manifest \(error.description)")
            }
            if response.status == 304 {
                logger.info(" manifest: unchanged")
                return .unchanged
            }
            guard response.status == 200 else { throw Failure(message: "cannot fetch remote manifest \(url): server returned HTTP \(response.status)") }
            manifest = try decode(response.body, source: url)
            lastModified = response.lastModified ?? Int(time(nil))
        } else {
            throw Failure(message: "remote manifest \(url): only http://, https:// and file:// are supported")
        }
        return .fetched(manifest, status: RemoteManifestStatus(source: url, lastFetched: lastModified, configLastModified: configLastModified))
    }

    private func decode(_ bytes: [UInt8], source: String) throws(Failure) -> Manifest {
        let manifest: Manifest
        // A stop request ends the decoding of a huge manifest (the check
        // then reports it as a stop, not as a broken manifest).
        do { manifest = try ManifestFile.decode(bytes, source: source, sizeLimit: sizeLimit, interruptible: true) } catch {
            throw Failure(message: error.description)
        }
        guard !manifest.isEmpty else { throw Failure(message: "remote manifest \(source) is empty; refusing to act on it") }
        return manifest
    }

    /// The manifest_command protocol: exit 0 with JSON on stdout, 1 an
    /// error, 127 unchanged, anything else a warning and nothing done.
    private func runCommand(_ command: String, force: Bool) async throws(Failure) -> Outcome {
        var words: [String]
        do { words = try ShellWords.split(command) } catch { throw Failure(message: "manifest_command: \(error.description)") }
        guard let executable = words.first.flatMap({ CommandRunner.lookUp(GrokConfig.expandUser($0)) }) else {
            throw Failure(message: "manifest_command is not executable: \(command)")
        }
        words.removeFirst()
        if force { words.append("--force") }
        logger.info(" manifest: executing \(command)")
        let result: CommandResult
        do { result = try await CommandRunner.run(executable, words, timeout: commandTimeout, outputLimit: sizeLimit) } catch {
            throw Failure(message: "manifest_command: \(error.description)")
        }
        switch result.exitCode {
        case 0: return .fetched(try decode(result.stdout, source: "output of \(command)"), status: nil)
        case 127:
            logger.info(" manifest: unchanged")
            return .unchanged
        case 1: throw Failure(message: "manifest_command \(command) failed: \(result.errorOutput)")
        default:
            logger.warning(" manifest: executing \(command) returned \(result.exitCode); nothing done")
            return .unchanged
        }
    }
}
