import Glibc
import Testing
import TestSupport
@testable import GrokKit

/// grok-fsck's results after every repository: journal lines at once, the
/// statusfile in the background. Nothing saved may be lost or reordered, a
/// crash may cost only the repository in progress, and a failing disk
/// stops the run.
@Suite struct FsckStatusWriterTests {
    let dir = TemporaryDirectory()

    func record(_ day: Int) -> FsckStatus.Record {
        var record = FsckStatus.Record(nextCheck: CheckDate(year: 2026, month: 11, day: day)!, fingerprint: "f\(day)")
        record.recordCheck(on: CheckDate(year: 2026, month: 11, day: day)!, next: CheckDate(year: 2026, month: 12, day: day)!)
        return record
    }

    /// Saves 600 records over 200 paths; returns the expected status.
    func saveRounds(into writer: FsckStatusWriter, starting: FsckStatus) -> FsckStatus {
        var expected = starting
        for round in 0..<3 {
            for index in 0..<200 {
                let path = "/t/repo\(index).git"
                let saved = record(1 + (index + round) % 28)
                expected[path] = saved
                writer.save(saved, for: path)
            }
        }
        return expected
    }

    @Test(arguments: [0.0, 3600.0])
    func everySavedRecordReachesTheFileInOrder(interval: Double) async throws {
        let file = FsckStatusFile(path: dir.file("status.js"))
        var start = FsckStatus()
        start["/t/keep.git"] = record(1)
        try file.write(&start)
        let writer = try FsckStatusWriter(file: file, status: start, interval: interval)
        var expected = saveRounds(into: writer, starting: start)
        #expect(await writer.finish() == nil)
        var onDisk = try file.read()
        #expect(onDisk == expected)
        #expect(onDisk.paths == expected.paths)
        #expect(onDisk.encode() == expected.encode())
        // Neither the journal nor a temporary file is left beside it.
        #expect(FileSystem.listDirectory(dir.path)?.sorted() == ["status.js"])
    }

    @Test func theJournalHoldsEveryRecordBeforeTheStatusfileIsWritten() throws {
        let file = FsckStatusFile(path: dir.file("status.js"))
        var start = FsckStatus()
        start["/t/keep.git"] = record(1)
        try file.write(&start)
        // A run killed before its first background write: the statusfile
        // is as it was, the journal has everything.
        let expected: FsckStatus
        do {
            let writer = try FsckStatusWriter(file: file, status: start, interval: 3600)
            expected = saveRounds(into: writer, starting: start)
        }
        var replayed = try file.read()
        #expect(replayed == start)
        let journal = FsckStatusJournal(statusFile: file.path)
        #expect(journal.replay(into: &replayed, statusFileModified: FileSystem.modificationTime(file.path)) == 600)
        #expect(replayed == expected)
        #expect(replayed.paths == expected.paths)
    }

    @Test func aTornLineIsSkippedAndAnOlderJournalIgnored() throws {
        let journal = FsckStatusJournal(statusFile: dir.file("status.js"))
        #expect(journal.path == dir.file(".status.js.journal"))
        dir.write(".status.js.journal", """
            {"/t/a.git": {"lastcheck": "2026-11-02", "nextcheck": "2026-12-02"}}
            {"/t/b.git": "not a record"}
            {"/t/c.git": {"lastcheck": "2026-11-03", "nextch
            """)
        var status = FsckStatus()
        #expect(journal.replay(into: &status, statusFileModified: nil) == 1)
        #expect(status.paths == ["/t/a.git"])
        #expect(status["/t/a.git"]?.lastCheck == "2026-11-02")

        // The statusfile was written after the journal: another tool ran
        // since the crash, and its records are newer.
        var other = FsckStatus()
        let journalTime = try #require(FileSystem.modificationTime(journal.path))
        #expect(journal.replay(into: &other, statusFileModified: journalTime + 60) == 0)
        #expect(other.count == 0)
    }

    @Test func aFailedWriteIsReportedAndLaterRecordsAreNotWrittenOverIt() async throws {
        let directory = dir.file("gone")
        try shell("mkdir '\(directory)'")
        let file = FsckStatusFile(path: directory + "/status.js")
        var status = FsckStatus()
        try file.write(&status)
        let writer = try FsckStatusWriter(file: file, status: status, interval: 0)
        try shell("rm -r '\(directory)'")
        writer.save(record(2), for: "/t/a.git")
        let failure = await writer.finish()
        #expect(failure?.path == directory + "/status.js")
        #expect(writer.failure != nil)
        try shell("mkdir '\(directory)'")
        writer.save(record(3), for: "/t/b.git")
        #expect(await writer.finish() != nil)
        #expect(!FileSystem.exists(directory + "/status.js"))
    }

    @Test func aJournalThatCannotBeWrittenStopsTheRun() throws {
        let file = FsckStatusFile(path: dir.file("missing-dir/status.js"))
        #expect(throws: FsckStatusFile.Failure.self) { try FsckStatusWriter(file: file, status: FsckStatus()) }
    }
}
