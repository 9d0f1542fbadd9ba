/// A shell-style pattern with Python `fnmatch.fnmatch` semantics (Python
/// 3.11 on POSIX, where `normcase` is the identity), which is what
/// grokmirror's config globs (include, exclude, ignore, nopurge, ...) use.
///
/// Matching works on Unicode scalars (Python's code points), never on UTF-8
/// bytes: `?` and each `[...]` match exactly one scalar, so `/caf?.git`
/// matches the NFC `/café.git`. Nothing is normalized: NFD `e` + U+0301 is
/// two scalars. `*` matches any run, `/` and newlines included; a backslash
/// is an ordinary character; the whole text must match.
package struct Glob: Sendable, Hashable, CustomStringConvertible {
    package let pattern: String
    /// The pattern compiled once, as `fnmatch.translate` would.
    private let tokens: [Token]

    package init(_ pattern: String) {
        self.pattern = pattern
        tokens = Self.compile(Array(pattern.unicodeScalars))
    }

    /// Same pattern, scalar for scalar (`ExactKey`): NFC and NFD spellings
    /// match different names, so they are different globs.
    package static func == (lhs: Glob, rhs: Glob) -> Bool { ExactKey(lhs.pattern) == ExactKey(rhs.pattern) }

    package func hash(into hasher: inout Hasher) { hasher.combine(ExactKey(pattern)) }

    package var description: String { pattern }

    /// Greedy two-pointer matching with one backtrack point (the latest
    /// `*`): at most O(text × pattern) steps, never exponential. Taking the
    /// earliest place for each fixed-length run between stars is what
    /// Python's atomic `(?>.*?fixed)` groups do, so the answers agree.
    package func matches(_ text: String) -> Bool {
        // `*` alone, every include's default, matches anything.
        if tokens.count == 1, case .star = tokens[0] { return true }
        let scalars = text.unicodeScalars
        var tokenIndex = 0
        var textIndex = scalars.startIndex
        var resume: (pattern: Int, text: String.UnicodeScalarView.Index)?
        while textIndex < scalars.endIndex {
            if tokenIndex < tokens.count, case .star = tokens[tokenIndex] {
                tokenIndex += 1
                resume = (tokenIndex, textIndex)
            } else if tokenIndex < tokens.count, tokens[tokenIndex].matches(scalars[textIndex]) {
                tokenIndex += 1
                textIndex = scalars.index(after: textIndex)
            } else if let (afterStar, start) = resume {
                // Let the latest `*` swallow one more scalar and retry.
                let next = scalars.index(after: start)
                resume = (afterStar, next)
                tokenIndex = afterStar
                textIndex = next
            } else {
                return false
            }
        }
        while tokenIndex < tokens.count, case .star = tokens[tokenIndex] { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }
}

extension Array where Element == Glob {
    package func anyMatches(_ text: String) -> Bool { contains { $0.matches(text) } }
}

extension Glob {
    /// One step of a compiled pattern.
    enum Token: Sendable {
        case star
        /// `?`: any one scalar.
        case any
        case literal(Unicode.Scalar)
        case set(ScalarSet)

        func matches(_ scalar: Unicode.Scalar) -> Bool {
            switch self {
            case .star: false
            case .any: true
            case .literal(let expected): scalar == expected
            case .set(let set): set.contains(scalar)
            }
        }
    }

    /// A `[...]` set: inclusive code point ranges (a single member is a
    /// one-point range), possibly negated. Python's "never matches" `(?!)`
    /// is the empty set, and its "any character" `[!]` case the negated
    /// empty set.
    struct ScalarSet: Sendable {
        var negated = false
        var ranges: [ClosedRange<UInt32>] = []

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(scalar.value) } != negated
        }
    }

    /// `fnmatch.translate`'s first pass: runs of `*` collapse, an unclosed
    /// `[` is a literal `[`, every other scalar is literal.
    static func compile(_ pattern: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < pattern.count {
            let scalar = pattern[index]
            index += 1
            switch scalar {
            case "*":
                if case .star? = tokens.last { continue }
                tokens.append(.star)
            case "?":
                tokens.append(.any)
            case "[":
                if let (set, end) = bracket(pattern, after: index) {
                    tokens.append(.set(set))
                    index = end
                } else {
                    tokens.append(.literal("["))
                }
            default:
                tokens.append(.literal(scalar))
            }
        }
        return tokens
    }

    /// The set whose `[` sits just before `start`, and the index after its
    /// `]`; nil when it is never closed. A `]` right after `[` or `[!` is a
    /// member, not the end.
    static func bracket(_ pattern: [Unicode.Scalar], after start: Int) -> (ScalarSet, Int)? {
        var end = start
        if end < pattern.count, pattern[end] == "!" { end += 1 }
        if end < pattern.count, pattern[end] == "]" { end += 1 }
        while end < pattern.count, pattern[end] != "]" { end += 1 }
        guard end < pattern.count else { return nil }
        let stuff = pattern[start..<end]
        let members: [SetMember] = stuff.contains("-")
            ? joined(rangeChunks(pattern, from: start, to: end))
            : stuff.map { .scalar($0) }
        return (scalarSet(members), end + 1)
    }
}

extension Glob {
    /// What `fnmatch.translate` leaves inside a regex set: scalars it
    /// escapes (always literal) and the hyphens it leaves bare between
    /// chunks (range operators).
    enum SetMember: Equatable {
        case scalar(Unicode.Scalar)
        case rangeHyphen
    }

    /// `translate`'s chunking of a set holding a `-` (pattern[start..<end]
    /// is between the brackets): a hyphen splits chunks unless it is first
    /// (after any `!`) or right after a range's end; a trailing hyphen is
    /// literal; a range whose start is above its end is dropped, gluing its
    /// neighbours together.
    static func rangeChunks(_ pattern: [Unicode.Scalar], from start: Int, to end: Int) -> [[Unicode.Scalar]] {
        var chunks: [[Unicode.Scalar]] = []
        var chunkStart = start
        var search = pattern[start] == "!" ? start + 2 : start + 1
        while search < end, let hyphen = pattern[search..<end].firstIndex(of: "-") {
            chunks.append(Array(pattern[chunkStart..<hyphen]))
            chunkStart = hyphen + 1
            search = hyphen + 3
        }
        let last = Array(pattern[chunkStart..<end])
        if last.isEmpty, !chunks.isEmpty {
            chunks[chunks.count - 1].append("-")
        } else {
            chunks.append(last)
        }
        for index in stride(from: chunks.count - 1, to: 0, by: -1) {
            guard let low = chunks[index - 1].last, let high = chunks[index].first, low.value > high.value else { continue }
            chunks[index - 1] = Array(chunks[index - 1].dropLast()) + chunks[index].dropFirst()
            chunks.remove(at: index)
        }
        return chunks
    }

    /// The chunks as `translate` joins them: escaped scalars with a bare
    /// hyphen between neighbouring chunks.
    static func joined(_ chunks: [[Unicode.Scalar]]) -> [SetMember] {
        var members: [SetMember] = []
        for (index, chunk) in chunks.enumerated() {
            if index > 0 { members.append(.rangeHyphen) }
            members += chunk.map { .scalar($0) }
        }
        return members
    }

    /// Reads the members as Python's `re` reads the set `translate` writes:
    /// a leading `!` negates (even one that chunk gluing moved to the
    /// front); `x`, bare hyphen, `y` is the range x…y; a bare hyphen with
    /// nothing after it is a literal `-`.
    static func scalarSet(_ members: [SetMember]) -> ScalarSet {
        var set = ScalarSet()
        var rest = members[...]
        if rest.first == .scalar("!") {
            set.negated = true
            rest = rest.dropFirst()
        }
        func value(_ member: SetMember) -> UInt32 {
            if case .scalar(let scalar) = member { scalar.value } else { UInt32(UInt8(ascii: "-")) }
        }
        while let first = rest.popFirst() {
            let low = value(first)
            guard rest.first == .rangeHyphen, rest.count >= 2 else {
                set.ranges.append(low...low)
                continue
            }
            let high = value(rest[rest.startIndex + 1])
            rest = rest.dropFirst(2)
            // translate never writes a backwards range (re would refuse it).
            if low <= high { set.ranges.append(low...high) }
        }
        return set
    }
}
