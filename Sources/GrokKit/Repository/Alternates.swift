/// A repository's `objects/info/alternates`, read as grokmirror reads it:
/// the whole file, stripped, must end in `/objects`; what precedes it,
/// realpath'd, is the repository it borrows from.
public enum Alternates {
    public static func borrowedRepository(of fullpath: String) -> String? {
        guard let bytes = FileSystem.read(fullpath + "/objects/info/alternates", limit: 1 << 20) else { return nil }
        let content = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard content.count > 8, content.hasSuffix("/objects") else { return nil }
        return PathUtilities.realpath(String(content.dropLast(8)))
    }

    /// The objstore name a repository uses, when it borrows from an objstore
    /// repository: its basename minus `.git`.
    public static func forkgroup(ofBorrowed borrowed: String?) -> String? {
        guard let borrowed, BareRepository.isObjectStore(borrowed) else { return nil }
        return String(PathUtilities.basename(borrowed).dropLast(4))
    }
}
