import Glibc

/// Fast searches of a string's UTF-8 bytes for ASCII bytes, which never
/// occur inside a multi-byte sequence, so every position found is a code
/// point boundary. A config value can be tens of megabytes; these run at
/// memory speed where a loop over a `String` view would not.
enum ByteScan {
    /// Whether `byte` occurs in `text`'s UTF-8.
    static func contains(_ byte: UInt8, in text: String) -> Bool {
        withBytes(of: text) { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, Int32(byte), buffer.count) != nil
        }
    }

    /// Every byte of `text`'s UTF-8 for which `matches` holds, with its
    /// offset, in order.
    static func find(in text: String, where matches: (UInt8) -> Bool) -> [(offset: Int, byte: UInt8)] {
        withBytes(of: text) { buffer in
            var found: [(offset: Int, byte: UInt8)] = []
            for offset in buffer.indices where matches(buffer[offset]) { found.append((offset, buffer[offset])) }
            return found
        }
    }

    /// The index of UTF-8 offset `offset` of `text` (constant time for
    /// native strings).
    static func index(_ offset: Int, in text: String) -> String.Index {
        text.utf8.index(text.utf8.startIndex, offsetBy: offset)
    }

    private static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable(body)!
    }
}
