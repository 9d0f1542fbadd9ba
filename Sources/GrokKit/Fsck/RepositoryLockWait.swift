import Logging

/// Waits for grok-pull (or grok-manifest) to finish with a repository,
/// since repacking or checking it mid-fetch gives false alarms.
enum RepositoryLockWait {
    /// The repository's lock, polled once a second. nil when it cannot be
    /// locked, the task is cancelled, or an hour passes, so one stuck
    /// process cannot stall the whole run (each logged).
    static func acquire(_ fullpath: String, logger: Logger) async -> FileLock? {
        var waited = 0
        while true {
            do {
                if let lock = try FileLock.tryAcquire(for: fullpath) { return lock }
            } catch {
                logger.error("\(error.description)")
                return nil
            }
            if waited == 0 { logger.info("     wait: \(fullpath) is locked by another process") }
            if Task.isCancelled { return nil }
            if waited >= 3600 {
                logger.warning("Skipping \(fullpath): still locked after an hour")
                return nil
            }
            try? await Task.sleep(for: .seconds(1))
            waited += 1
        }
    }
}
