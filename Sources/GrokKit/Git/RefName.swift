/// git's refname rules (`git check-ref-format`), used to decide whether a
/// ref found on disk is one git itself would list. Anything this rejects is
/// left to git to interpret.
package enum RefName {
    package static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.last != UInt8(ascii: "/"), bytes.last != UInt8(ascii: "."),
              bytes != [UInt8(ascii: "@")] else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case 0..<0x20, 0x7F, UInt8(ascii: " "), UInt8(ascii: "~"), UInt8(ascii: "^"), UInt8(ascii: ":"),
                 UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "\\"):
                return false
            case UInt8(ascii: "."):
                if previous == UInt8(ascii: ".") { return false }
            case UInt8(ascii: "{"):
                if previous == UInt8(ascii: "@") { return false }
            case UInt8(ascii: "/"):
                if previous == UInt8(ascii: "/") { return false }
            default: break
            }
            previous = byte
        }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty || component.hasPrefix(".") || component.hasSuffix(".lock") { return false }
        }
        return true
    }

    /// What a manifest may carry as `head`: a symbolic ref to a valid refname
    /// or a bare object id (a detached HEAD).
    package static func isValidHead(_ head: String) -> Bool {
        if head.hasPrefix("ref: ") { return isValid(String(head.dropFirst(5))) && head.dropFirst(5).hasPrefix("refs/") }
        return Hex.isObjectID(Array(head.utf8)) || Hex.isObjectID(Array(head.utf8), length: 64)
    }
}
