import Logging

/// Waits for another process to let go of a lock (`FileLock`): grok-fsck
/// waits for grok-pull to finish with a repository, since repacking or
/// checking it mid-fetch gives false alarms; grok-pi-piper waits for
/// another grok-pi-piper piping the same repository.
package enum LockWait {
    /// The lock on `target`, polled once a second. nil when it cannot be
    /// locked, the task is cancelled, or an hour passes, so one stuck
    /// process cannot stall the whole run (each logged).
    package static func acquire(_ target: String, logger: Logger) async -> FileLock? {
        var waited = 0
        while true {
            do {
                if let lock = try FileLock.tryAcquire(for: target) { return lock }
            } catch {
                logger.error("\(error.description)")
                return nil
            }
            if waited == 0 { logger.info("     wait: \(target) is locked by another process") }
            if Task.isCancelled { return nil }
            if waited >= 3600 {
                logger.warning("Skipping \(target): still locked after an hour")
                return nil
            }
            try? await Task.sleep(for: .seconds(1))
            waited += 1
        }
    }
}
