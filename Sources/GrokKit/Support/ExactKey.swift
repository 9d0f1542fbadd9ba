import Glibc

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

    /// Byte equality; one memcmp(3) when both strings are stored as UTF-8
    /// (native strings are), which is what dictionary lookups of 30,000
    /// manifest or statusfile keys spend their time on.
    package static func == (lhs: ExactKey, rhs: ExactKey) -> Bool {
        let (left, right) = (lhs.string.utf8, rhs.string.utf8)
        guard left.count == right.count else { return false }
        let compared = left.withContiguousStorageIfAvailable { a in
            right.withContiguousStorageIfAvailable { b in a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
        return (compared ?? nil) ?? left.elementsEqual(right)
    }

    package func hash(into hasher: inout Hasher) {
        var contiguous = string
        contiguous.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(string.utf8.count)
    }

    /// Byte order, through memcmp(3) (which compares unsigned bytes) when
    /// both strings are stored as UTF-8.
    package static func < (lhs: ExactKey, rhs: ExactKey) -> Bool {
        let (left, right) = (lhs.string.utf8, rhs.string.utf8)
        let compared = left.withContiguousStorageIfAvailable { a in
            right.withContiguousStorageIfAvailable { b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
        return (compared ?? nil) ?? left.lexicographicallyPrecedes(right)
    }
}

extension Sequence where Element == String {
    /// Sorted by bytes (see `ExactKey`), not by `String`'s canonical order.
    package func sortedByBytes() -> [String] {
        sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
