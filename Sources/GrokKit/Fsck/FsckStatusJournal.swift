import Glibc

/// A hidden file beside the statusfile (`.<name>.journal`) that gets one
/// line per repository as soon as it is done: `{"<fullpath>": {record}}`.
/// Appending a line costs a small write where rewriting the whole statusfile
/// costs a new file of every record, and it is what lets a crash lose at most
/// the repository in progress. The statusfile itself is rewritten now and
/// then and at the end of a run, after which the journal is removed; the
/// next run replays a journal a crash left behind.
package struct FsckStatusJournal: Sendable {
    package let path: String

    package init(statusFile: String) {
        path = PathUtilities.hiddenSibling(of: PathUtilities.absolute(statusFile), suffix: ".journal")
    }

    /// Applies the records of an interrupted run, unless the statusfile was
    /// written after the journal (another tool ran since; its records win).
    /// A torn last line is skipped. Returns how many records were applied.
    package func replay(into status: inout FsckStatus, statusFileModified: Int?) -> Int {
        guard let journalModified = FileSystem.modificationTime(path),
              journalModified >= (statusFileModified ?? 0),
              let bytes = FileSystem.read(path, limit: 1 << 30) else { return 0 }
        var applied = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let object = (try? JSONParser.parse(Array(line)))?.objectValue else { continue }
            for (fullpath, value) in object.pairs {
                guard let record = value.objectValue else { continue }
                status[fullpath] = FsckStatus.Record(object: record)
                applied += 1
            }
        }
        return applied
    }

    package func remove() { unlink(path) }

    /// Starts an empty journal for a run.
    func open() throws(FsckStatusFile.Failure) -> Appender {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw FsckStatusFile.Failure(path: path, reason: FileSystem.errorDescription()) }
        return Appender(path: path, fd: fd)
    }

    final class Appender: Sendable {
        let path: String
        private let fd: Int32

        init(path: String, fd: Int32) {
            self.path = path
            self.fd = fd
        }

        deinit { close(fd) }

        /// One write of one whole line, so a crash can tear at most that line.
        func append(_ record: FsckStatus.Record, for fullpath: String) throws(FsckStatusFile.Failure) {
            var line = JSONWriter.serialize(.object(JSONObject([(fullpath, .object(record.object))])), style: .compact, capacityHint: 256)
            line.append(UInt8(ascii: "\n"))
            guard FileSystem.writeAll(fd, line) else {
                throw FsckStatusFile.Failure(path: path, reason: FileSystem.errorDescription())
            }
        }
    }
}
