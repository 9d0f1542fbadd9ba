import Glibc

/// A repository's `objects/info/alternates`, read as grokmirror reads it:
/// the whole file, stripped, must end in `/objects`; what precedes it,
/// realpath'd, is the repository it borrows from.
package enum Alternates {
    package static func borrowedRepository(of fullpath: String) -> String? {
        guard let bytes = FileSystem.read(fullpath + "/objects/info/alternates", limit: 1 << 20) else { return nil }
        let content = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard content.count > 8, content.hasSuffix("/objects") else { return nil }
        // git reads a relative entry from the objects directory.
        let objects = content.hasPrefix("/") ? content : fullpath + "/objects/" + content
        return PathUtilities.realpath(String(objects.dropLast(8)))
    }

    /// Makes `fullpath` borrow from `lender` (one line, `<lender>/objects`),
    /// written atomically so a reader never sees half a path. Adding a
    /// lender never removes an object the repository has.
    package static func borrow(_ fullpath: String, from lender: String) -> Bool {
        guard FileSystem.isDirectory(lender + "/objects") else { return false }
        mkdir(fullpath + "/objects/info", 0o777)
        return AtomicFile.write(Array((lender + "/objects\n").utf8), to: fullpath + "/objects/info/alternates")
    }

    /// The objstore name a repository uses, when it borrows from an objstore
    /// repository: its basename minus `.git`.
    package static func forkgroup(ofBorrowed borrowed: String?) -> String? {
        guard let borrowed, BareRepository.isObjectStore(borrowed) else { return nil }
        return String(PathUtilities.basename(borrowed).dropLast(4))
    }
}
