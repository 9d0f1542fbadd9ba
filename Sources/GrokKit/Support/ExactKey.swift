/// A string whose identity is its UTF-8 bytes: the key type of every set
/// and dictionary of file names, paths and gitdirs.
///
/// Why: Swift's `String` compares and hashes by Unicode canonical
/// equivalence, so `café` spelled in NFC (`caf\xc3\xa9`) and in NFD
/// (`cafe\xcc\x81`) would be one member, where the filesystem, git, JSON
/// and grokmirror see two names. Order is byte order, which for valid UTF-8
/// is code point order: the order Python's `sorted` gives grokmirror.
package struct ExactKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let string: String

    package init(_ string: String) { self.string = string }

    package var description: String { string }

    package static func == (lhs: ExactKey, rhs: ExactKey) -> Bool {
        lhs.string.utf8.count == rhs.string.utf8.count && lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    package func hash(into hasher: inout Hasher) {
        var contiguous = string
        contiguous.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(string.utf8.count)
    }

    package static func < (lhs: ExactKey, rhs: ExactKey) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }
}

extension Sequence where Element == String {
    /// Sorted by bytes (see `ExactKey`), not by `String`'s canonical order.
    package func sortedByBytes() -> [String] {
        sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
