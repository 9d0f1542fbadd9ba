import Dispatch
import Synchronization

/// Keeps a run's results safe after every repository without slowing the
/// run down: each record is appended to the journal at once (a crash loses
/// at most the repository in progress), and the statusfile, which holds
/// every record and so costs a new file per write, is rewritten at most
/// once per `interval` on a background queue while the next git process runs.
/// `finish` writes it a last time and removes the journal.
final class FsckStatusWriter: Sendable {
    private struct Pending {
        var records: [(path: String, record: FsckStatus.Record)] = []
        var scheduled = false
        var lastWrite: Double
    }
    private struct Disk {
        var status: FsckStatus
        var failure: FsckStatusFile.Failure?
    }

    private let file: FsckStatusFile
    private let journal: FsckStatusJournal
    private let appender: FsckStatusJournal.Appender
    private let interval: Double
    private let queue = DispatchQueue(label: "grok-fsck.statusfile")
    private let pending: Mutex<Pending>
    private let disk: Mutex<Disk>

    /// `status` is what the statusfile holds now.
    init(file: FsckStatusFile, status: FsckStatus, interval: Double = 1) throws(FsckStatusFile.Failure) {
        self.file = file
        journal = FsckStatusJournal(statusFile: file.path)
        appender = try journal.open()
        self.interval = interval
        pending = Mutex(Pending(lastWrite: MonotonicTime.seconds()))
        disk = Mutex(Disk(status: status))
    }

    /// The first write that failed; the run should stop, since its results
    /// can no longer be kept.
    var failure: FsckStatusFile.Failure? { disk.withLock { $0.failure } }

    func save(_ record: FsckStatus.Record, for path: String) {
        do { try appender.append(record, for: path) } catch {
            disk.withLock { $0.failure = $0.failure ?? error }
            return
        }
        let now = MonotonicTime.seconds()
        let mustSchedule = pending.withLock { pending in
            pending.records.append((path, record))
            guard !pending.scheduled, now - pending.lastWrite >= interval else { return false }
            pending.scheduled = true
            pending.lastWrite = now
            return true
        }
        if mustSchedule { queue.async { self.writePending(durable: false) } }
    }

    /// Writes every saved record to the statusfile, the rename included,
    /// then drops the journal.
    func finish() async -> FsckStatusFile.Failure? {
        await withCheckedContinuation { continuation in
            queue.async {
                self.writePending(durable: true)
                continuation.resume()
            }
        }
        guard let failure else {
            journal.remove()
            return nil
        }
        return failure
    }

    private func writePending(durable: Bool) {
        let records = pending.withLock { pending in
            defer {
                pending.records = []
                pending.scheduled = false
            }
            return pending.records
        }
        disk.withLock { disk in
            guard disk.failure == nil, !records.isEmpty || durable else { return }
            for (path, record) in records { disk.status[path] = record }
            do throws(FsckStatusFile.Failure) { try file.write(&disk.status, durable: durable) } catch {
                disk.failure = error
            }
        }
    }
}
