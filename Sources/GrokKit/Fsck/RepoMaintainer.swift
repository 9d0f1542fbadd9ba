import Glibc
import Logging

/// Runs git's maintenance commands on one repository and turns what they
/// print into grok-fsck's error handling: ignored lines go to debug, the
/// rest are logged as critical (which puts them in the report), written to
/// `grokmirror.fsck.err`, and may request a reclone.
package struct RepoMaintainer: Sendable {
    package let git: GitRunner
    package let filter: ErrorLineFilter
    package let logger: Logger
    /// Repacks and fscks of big repositories take hours; hung ones still end.
    package let timeout: Duration

    package init(git: GitRunner, filter: ErrorLineFilter, logger: Logger, timeout: Duration = .seconds(12 * 3600)) {
        self.git = git
        self.filter = filter
        self.logger = logger
        self.timeout = timeout
    }

    /// FETCH_HEAD is written by every fetch and never read on a mirror.
    package func pointFetchHeadAtDevNull(_ fullpath: String) {
        let path = fullpath + "/FETCH_HEAD"
        guard FileSystem.kind(path) != .symlink else { return }
        logger.debug("  replacing FETCH_HEAD with symlink to /dev/null")
        if unlink(path) != 0 && errno != ENOENT {
            logger.warning("Cannot replace \(path): \(FileSystem.errorDescription())")
            return
        }
        if symlink("/dev/null", path) != 0 {
            logger.warning("Cannot link \(path) to /dev/null: \(FileSystem.errorDescription())")
        }
    }

    /// Sets `extensions.preciousObjects` unless it already has that value.
    package func setPrecious(_ fullpath: String, _ enabled: Bool) async {
        if let config = GitConfigFile.read(gitDir: fullpath), (config.bool("extensions.preciousobjects") ?? false) == enabled { return }
        logger.debug("Setting preciousObjects=\(enabled) for \(fullpath)")
        await runQuietly(fullpath, ["config", "extensions.preciousObjects", enabled ? "true" : "false"])
    }

    /// The whole repack sequence; false when any step reported errors (the
    /// status then keeps the repository due).
    package func repack(_ fullpath: String, recipe: RepackRecipe, lendsObjects: Bool) async -> Bool {
        await setPrecious(fullpath, recipe.preciousDuring)
        if FileSystem.isDirectory(fullpath + "/logs") {
            logger.info("   reflog: expiring reflogs")
            await runQuietly(fullpath, ["reflog", "expire", "--all", "--stale-fix"])
        }
        if recipe.packAllRefs { logger.info("   repack: performing a full repack for optimal deltas") }
        logger.info("   repack: repacking with \"\(recipe.repackArguments.dropLast().joined(separator: " "))\"")
        var ok = await runChecked(fullpath, ["repack"] + recipe.repackArguments, lendsObjects: lendsObjects)
        if ok && recipe.writeCommitGraph {
            if GitConfigFile.read(gitDir: fullpath)?.bool("core.commitgraph") != true {
                await runQuietly(fullpath, ["config", "core.commitgraph", "true"])
            }
            logger.info("    graph: generating commit-graph")
            await runQuietly(fullpath, ["commit-graph", "write"])
        }
        if ok {
            logger.info(recipe.packAllRefs ? " packrefs: repacking all refs" : " packrefs: repacking refs")
            ok = await runChecked(fullpath, recipe.packAllRefs ? ["pack-refs", "--all"] : ["pack-refs"], lendsObjects: lendsObjects)
        }
        if ok && recipe.prune { ok = await prune(fullpath, lendsObjects: lendsObjects) }
        await setPrecious(fullpath, recipe.preciousAfter)
        return ok
    }

    /// `git prune --expire=yesterday`: a day's grace, so objects of a push
    /// in progress survive. Call only when pruning is safe.
    package func prune(_ fullpath: String, lendsObjects: Bool) async -> Bool {
        let wasPrecious = BareRepository.isPrecious(fullpath)
        if wasPrecious { await setPrecious(fullpath, false) }
        logger.info("    prune: pruning")
        let ok = await runChecked(fullpath, ["prune", "--expire=yesterday"], lendsObjects: lendsObjects)
        if wasPrecious { await setPrecious(fullpath, true) }
        return ok
    }

    /// `git fsck` without progress, dangling objects or reflogs.
    package func fsck(_ fullpath: String, connectivityOnly: Bool, lendsObjects: Bool) async {
        var arguments = ["fsck", "--no-progress", "--no-dangling", "--no-reflogs"]
        if connectivityOnly {
            arguments.append("--connectivity-only")
            logger.info("     fsck: running with --connectivity-only")
        } else {
            logger.info("     fsck: running full checks")
        }
        _ = await runChecked(fullpath, arguments, lendsObjects: lendsObjects, readStdout: true)
    }

    /// Runs a git command whose errors matter; true when it printed nothing
    /// but ignorable lines (and, when its output is all there is, exited 0).
    private func runChecked(_ fullpath: String, _ arguments: [String], lendsObjects: Bool, readStdout: Bool = false) async -> Bool {
        let output: String
        var exitCode: Int32 = 0
        do {
            let result = try await git.run(gitDir: fullpath, arguments, timeout: timeout)
            exitCode = result.exitCode
            output = (readStdout ? String(decoding: result.stdout, as: UTF8.self) + "\n" : "") + String(decoding: result.stderr, as: UTF8.self)
        } catch {
            // Stopped by a stop request: nothing is known about the repository.
            if case .cancelled = error { return false }
            output = "error: \(error.description)"
            exitCode = -1
        }
        let (errors, ignored) = filter.split(output)
        if !ignored.isEmpty { logger.debug("Stderr: \(ignored.joined(separator: "\n"))") }
        var reported = errors
        if reported.isEmpty && exitCode != 0 && ignored.isEmpty {
            reported = ["git \(arguments.first ?? "") exited with status \(exitCode) without output"]
        }
        guard reported.isEmpty else {
            recordErrors(fullpath, arguments: arguments, lines: reported, lendsObjects: lendsObjects)
            return false
        }
        return true
    }

    /// Commands whose failure is not an integrity problem (config writes,
    /// reflog expiry, commit-graph) are logged at debug level only.
    private func runQuietly(_ fullpath: String, _ arguments: [String]) async {
        do {
            let result = try await git.run(gitDir: fullpath, arguments, timeout: timeout)
            if !result.succeeded { logger.debug("git \(arguments.joined(separator: " ")) in \(fullpath): \(result.errorOutput)") }
        } catch {
            logger.debug("\(error.description)")
        }
    }

    /// Logs (critical, so they reach the report) at most 11 lines, keeps
    /// them all in `grokmirror.fsck.err`, and asks grok-pull for a reclone
    /// when a line says so, unless others borrow this repository's objects.
    func recordErrors(_ fullpath: String, arguments: [String], lines: [String], lendsObjects: Bool) {
        logger.critical("\(fullpath) reports errors:")
        for line in lines.prefix(11) { logger.critical("\t\(line)") }
        if lines.count > 11 {
            logger.critical("\t [ \(lines.count - 11) more lines skipped ]")
            logger.critical("\t [ see \(PathUtilities.basename(fullpath))/\(MarkerFile.fsckErrors) ]")
        }
        let text = "# Date: \(CheckDate.today())\n# Cmd : git \(arguments.joined(separator: " "))\n" + lines.map { $0 + "\n" }.joined()
        if !AtomicFile.write(Array(text.utf8), to: fullpath + "/" + MarkerFile.fsckErrors) {
            logger.critical("\tcannot write \(fullpath)/\(MarkerFile.fsckErrors): \(FileSystem.errorDescription())")
        }
        guard let reason = filter.recloneReason(in: lines) else { return }
        if lendsObjects {
            logger.critical("\tused for alternates, not requesting auto-reclone")
            return
        }
        logger.critical("\trequested auto-reclone")
        requestReclone(fullpath, reason: "Requested by grok-fsck due to error: \(reason)")
    }

    /// `grokmirror.reclone`, which the next grok-pull acts on; an earlier
    /// request is kept.
    package func requestReclone(_ fullpath: String, reason: String) {
        let marker = fullpath + "/" + MarkerFile.reclone
        if FileSystem.exists(marker) {
            logger.debug("Already requested repo reclone for \(fullpath)")
        } else if !FileSystem.write(Array(reason.utf8), to: marker) {
            logger.critical("\tcannot write \(marker): \(FileSystem.errorDescription())")
        }
    }
}
