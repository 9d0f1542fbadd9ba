extension StringProtocol {
    /// The ASCII whitespace (space, tab, CR, LF, VT, FF) trimmed from both
    /// ends: for git's output and small files git writes. Config text is
    /// stripped by `PythonText.strip`, which knows Python's Unicode spaces.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
