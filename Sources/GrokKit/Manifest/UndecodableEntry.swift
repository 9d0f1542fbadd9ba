/// A manifest member whose key, or a string in whose value, holds a lone
/// surrogate escape (`"/r\udcfd.git"`, `"symlinks": ["/l\udcff.git"]`):
/// what Python's surrogateescape writes for a file name that is not UTF-8.
/// No Swift string can hold it, so no tool can name its paths exactly: it
/// is never looked up, planned, mirrored or checked.
///
/// Why it is kept, verbatim: a rewrite without it would tell grokmirror
/// 2.0.12 replicas the repository is gone, and they would purge it; a
/// rewrite with U+FFFD in its place would publish a name that never
/// existed. So its key spelling and value bytes go through every rewrite as
/// they were read.
package struct UndecodableEntry: Sendable, Equatable {
    /// The key between its quotes, as written (`/r\udcfd.git`): how
    /// messages name the entry, and what is written back.
    package let spelling: String
    /// The gitdir, when the key itself decodes (only a value does not).
    package let gitdir: Gitdir?
    /// The value's JSON bytes, as read (whitespace included).
    let value: ArraySlice<UInt8>
    /// The key's code points as WTF-8 (`JSONParser.codePoints`): two
    /// members are one Python key when these are equal, and Python's
    /// `sort_keys` orders them by these bytes.
    let identity: [UInt8]
    /// The decodable gitdir it followed when read (nil: none did), so a
    /// compact rewrite writes it back in its place.
    let anchor: Gitdir?

    init(spelling: ArraySlice<UInt8>, keyIsLossy: Bool, value: ArraySlice<UInt8>, anchor: Gitdir?) {
        self.spelling = String(decoding: spelling, as: UTF8.self)
        identity = JSONParser.codePoints(ofSpelling: spelling)
        gitdir = keyIsLossy ? nil : Gitdir(String(decoding: identity, as: UTF8.self))
        self.value = value
        self.anchor = anchor
    }

    /// The same key and the same value bytes; where it was read does not count.
    package static func == (lhs: UndecodableEntry, rhs: UndecodableEntry) -> Bool {
        lhs.identity == rhs.identity && lhs.value.elementsEqual(rhs.value)
    }
}
