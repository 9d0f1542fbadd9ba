/// A manifest member whose key, or a string in whose value, holds a lone
/// surrogate escape (`"/r\udcfd.git"`, `"symlinks": ["/l\udcff.git"]`):
/// what Python's surrogateescape writes for a file name that is not UTF-8.
/// No Swift string can hold it, so no tool can name its paths exactly: it
/// is never looked up, planned or mirrored.
public struct UndecodableEntry: Sendable, Equatable {
    /// The key between its quotes, as written (`/r\udcfd.git`): how
    /// messages name the entry.
    public let spelling: String
    /// The gitdir, when the key itself decodes (only a value does not).
    public let gitdir: Gitdir?

    init(spelling: ArraySlice<UInt8>, gitdir: Gitdir?) {
        self.spelling = String(decoding: spelling, as: UTF8.self)
        self.gitdir = gitdir
    }
}
