/// A section or key name compared code point by code point, as Python
/// compares `str`s. Swift's `String` equality treats canonically equivalent
/// spellings as equal ("caf\u{E9}" and "cafe\u{301}", "K" and the Kelvin sign
/// U+212A), which would merge sections and keys configparser keeps apart.
struct ConfigName: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: ConfigName, rhs: ConfigName) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }
}
