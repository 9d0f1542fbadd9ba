import Foundation
import Testing
import TestSupport
@testable import GrokKit

/// Config globs must answer exactly as grokmirror's `fnmatch.fnmatch` does
/// (Python 3.11, code points, no normalization): a glob that matches bytes
/// instead lets `nopurge = /caf?.git` miss `/café.git`, which is then purged.
@Suite struct GlobTests {
    /// Hand-picked edge cases of `fnmatch.translate`, as (pattern, name).
    static let edgeCases: [(String, String)] = [
        ("/caf?.git", "/caf\u{E9}.git"), ("/caf?.git", "/cafe\u{301}.git"), ("/caf??.git", "/cafe\u{301}.git"),
        ("/caf??.git", "/caf\u{E9}.git"), ("*/caf?.git", "/pub/caf\u{E9}.git"), ("?", "\u{1F600}"),
        ("??", "\u{1F44D}\u{1F3FD}"), ("?", "\u{1F44D}\u{1F3FD}"), ("?", "\u{212B}"), ("\u{212B}", "\u{C5}"),
        ("[\u{C5}]", "\u{212B}"), ("?", "\u{D55C}"), ("???", "\u{1112}\u{1161}\u{11AB}"), ("?", "\u{1112}\u{1161}\u{11AB}"),
        ("[\u{E9}]", "e\u{301}"), ("[!\u{E9}]", "e\u{301}"), ("[\u{E9}-\u{FC}]", "\u{F0}"), ("[a-z]", "\u{E9}"),
        ("*", ""), ("*", "\n"), ("?", "\n"), ("a*b", "a\nb"), ("a?b", "a\nb"), ("a", "a\n"), ("*", "a/b/c"),
        ("[]]", "]"), ("[!]]", "a"), ("[!]]", "]"), ("[]", "[]"), ("[!]", "[!]"), ("[a", "[a"), ("[!a", "[!a"),
        ("[z-a]", "z"), ("[z-a]", "-"), ("[z-a]", "[z-a]"), ("[!z-a]", "q"), ("[!z-a]", "\n"), ("[a--]", "a"),
        ("[a--]", "-"), ("[z-a!b]", "c"), ("[z-a!b]", "b"), ("[z-a!]", "x"), ("[z-a^b]", "^"), ("[a-c-e]", "d"),
        ("[a-c-e]", "-"), ("[a-c-e]", "e"), ("[--0]", "/"), ("[-a]", "-"), ("[a-]", "-"), ("[!-]", "a"), ("[!-]", "-"),
        ("[]-a]", "^"), ("[!]-a]", "b"), ("[]-!]", "]"), ("[]-!]", "!"), ("x[!]-!]y", "xay"), ("[!z-ab-c]", "b"),
        ("[\\]", "\\"), ("[\\-a]", "]"), ("[^a]", "^"), ("[^a]", "b"), ("[[]", "["), ("[&&]", "&"), ("[a|b]", "|"),
        ("a\\*", "a\\xyz"), ("\\?", "\\x"), ("\\", "\\"), ("**a**", "bab"), ("*a*a*", "aa"), ("*a*a*", "a"),
        ("*ab", "aab"), ("a*?b", "ab"), ("a*?b", "axb"), ("*?", ""), ("[*]", "*"), ("[?]", "x"), ("[!-a-z]", "m"),
        ("[c-e-a]", "d"), ("[c-e-a]", "-"), ("[a-b-c-d]", "c"),
    ]

    /// Scalars random sets are made of, and the one-scalar names tried
    /// against each of them.
    static let setScalars: [Unicode.Scalar] = ["a", "c", "e", "z", "-", "-", "!", "]", "^", "\\", "\u{E9}"]
    static let setProbes: [Unicode.Scalar] = ["a", "b", "c", "d", "e", "m", "z", "-", "!", "]", "^", "\\", "\u{E9}", "\u{1F600}"]

    /// Pieces random patterns are made of: metacharacters, set edge cases,
    /// and scalars that are several UTF-8 bytes or combine.
    static let patternPieces = [
        "*", "?", "a", "b", "/", "\\", "[", "]", "!", "-", "^", ".git", "\u{E9}", "e\u{301}", "\u{301}", "\u{D55C}",
        "\u{1112}\u{1161}\u{11AB}", "\u{1F600}", "\u{1F44D}\u{1F3FD}", "\u{212B}", "\u{C5}", "\n", "[a-c]", "[!a]",
        "[]]", "[!]]", "[z-a]", "[a-]", "[-a]", "[\\]", "[\u{E9}-\u{FC}]", "[^a]", "[[]", "[!z-a]", "[a--]", "[z-a!b]",
        "[!\u{E9}]", "[\u{1F600}-\u{1F64F}]", "[a-c-e]", "[&&a]", "[|~]", "**", "[!", "[]", "-]", "z-a]",
    ]

    /// Scalars names are made of.
    static let nameScalars: [Unicode.Scalar] = [
        "a", "b", "c", "e", "z", "/", "\\", "[", "]", "!", "-", "^", ".", "&", "~", "|", "\n", "\u{E9}", "\u{FC}",
        "\u{F0}", "\u{301}", "\u{D55C}", "\u{1112}", "\u{1161}", "\u{11AB}", "\u{1F600}", "\u{1F44D}", "\u{1F3FD}",
        "\u{212B}", "\u{C5}",
    ]

    /// SplitMix64: the same pairs on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A name that often matches: `*` becomes 0–2 scalars, `?` one, a `[`
    /// and what follows up to its `]` usually one scalar, and now and then
    /// a scalar is dropped or replaced.
    static func instantiate(_ pattern: String, _ random: inout Seeded) -> String {
        var name = String.UnicodeScalarView()
        var scalars = pattern.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch (scalar, Int.random(in: 0..<40, using: &random)) {
            case ("*", _): for _ in 0..<Int.random(in: 0...2, using: &random) { name.append(nameScalars.randomElement(using: &random)!) }
            case ("?", _), (_, 0): name.append(nameScalars.randomElement(using: &random)!)
            case ("[", 2...30):
                // Likely a member: one of a set's own scalars, or for `[!...]` any scalar.
                let close = scalars.dropFirst().firstIndex(of: "]") ?? scalars.endIndex
                let members = scalars.first == "!" ? Substring().unicodeScalars : scalars[..<close]
                name.append(members.randomElement(using: &random) ?? nameScalars.randomElement(using: &random)!)
                scalars = scalars[(close == scalars.endIndex ? close : scalars.index(after: close))...]
            case (_, 1): continue
            default: name.append(scalar)
            }
        }
        return String(name)
    }

    /// The edge cases; per random pattern a likely match and a random name;
    /// per random set, one-scalar names.
    static func pairs() -> [(pattern: String, name: String)] {
        var random = Seeded(state: 20_120_512)
        var pairs = edgeCases.map { (pattern: $0.0, name: $0.1) }
        for _ in 0..<300 {
            let pieces = (0..<Int.random(in: 1...6, using: &random)).map { _ in patternPieces.randomElement(using: &random)! }
            let pattern = pieces.joined()
            let noise = (0..<Int.random(in: 0...6, using: &random)).map { _ in String(nameScalars.randomElement(using: &random)!) }
            pairs.append((pattern, instantiate(pattern, &random)))
            pairs.append((pattern, noise.joined()))
        }
        for _ in 0..<150 {
            var set = String.UnicodeScalarView(["["])
            for _ in 0..<Int.random(in: 1...6, using: &random) { set.append(setScalars.randomElement(using: &random)!) }
            set.append("]")
            pairs += setProbes.map { (String(set), String($0)) }
        }
        return pairs
    }

    /// Python's answers, one `1`, `0` or `E` (exception) per pair. Strings
    /// travel as JSON lists of code points, so nothing on the way can
    /// normalize or re-encode them.
    static func pythonAnswers(_ pairs: [(pattern: String, name: String)]) throws -> [Character] {
        let dir = TemporaryDirectory()
        func codes(_ text: String) -> String { text.unicodeScalars.map { String($0.value) }.joined(separator: ",") }
        dir.write("pairs.json", "[" + pairs.map { "[[\(codes($0.pattern))],[\(codes($0.name))]]" }.joined(separator: ",\n") + "]")
        dir.write("answer.py", """
            import fnmatch, json, sys
            def text(codes):
                return ''.join(map(chr, codes))
            def answer(pattern, name):
                try:
                    return '1' if fnmatch.fnmatch(text(name), text(pattern)) else '0'
                except Exception:
                    return 'E'
            sys.stdout.write(''.join(answer(p, n) for p, n in json.load(open(sys.argv[1]))))
            """)
        // Throws (failing the test, never skipping it) when the reference
        // virtualenv is missing.
        let python = try Tools.reference("python3")
        let outcome = try runProcess(python, ["-W", "ignore", dir.file("answer.py"), dir.file("pairs.json")], timeout: 120)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return Array(outcome.stdout)
    }

    static func hexed(_ text: String) -> String {
        text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
    }

    @Test func everyAnswerAgreesWithPythonFnmatch() throws {
        let pairs = Self.pairs()
        let theirs = try Self.pythonAnswers(pairs)
        try #require(theirs.count == pairs.count, "Python answered \(theirs.count) of \(pairs.count) pairs")
        var disagreements: [String] = []
        for (pair, answer) in zip(pairs, theirs) where (Glob(pair.pattern).matches(pair.name) ? "1" : "0") != answer {
            disagreements.append("pattern [\(Self.hexed(pair.pattern))] name [\(Self.hexed(pair.name))]: Python says \(answer)")
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(20).joined(separator: "\n"))")
        let matched = theirs.filter { $0 == "1" }.count
        #expect(matched >= pairs.count / 5 && matched <= pairs.count * 4 / 5, "a useful mix: \(matched) of \(pairs.count) match")
    }

    @Test func questionMarkMatchesOneCodePointNotOneByte() {
        #expect(Glob("/caf?.git").matches("/caf\u{E9}.git"), "NFC é is one code point (two UTF-8 bytes)")
        #expect(!Glob("/caf??.git").matches("/caf\u{E9}.git"))
        #expect(!Glob("/caf?.git").matches("/cafe\u{301}.git"), "NFD is e + U+0301, not normalized")
        #expect(Glob("/caf??.git").matches("/cafe\u{301}.git"))
        #expect(Glob("*/caf[\u{E9}x].git").matches("/pub/caf\u{E9}.git"))
        #expect(!Glob("[\u{C5}]").matches("\u{212B}"), "Å and the Ångström sign are different code points")
    }

    @Test func nopurgeWithAQuestionMarkKeepsANonASCIIRepository() {
        let found: [Gitdir] = ["/caf\u{E9}.git", "/gone.git"]
        let decision = PullPlan.purge(found: found, culled: PullPlan.Culled(), noPurge: [Glob("/caf?.git")], ffOnly: [],
                                      borrowedFrom: [], purgeProtect: 100, force: true)
        #expect(decision.purge == ["/gone.git"])
        #expect(decision.kept["/caf\u{E9}.git"] == "matches nopurge")
    }

    /// Backtracking only to the latest `*` keeps this linear in the text;
    /// a regex-style matcher would try exponentially many splits.
    @Test func manyStarsAgainstALongTextFinishAtOnce() {
        let text = String(repeating: "a", count: 100_000)
        let started = ContinuousClock.now
        #expect(!Glob(String(repeating: "*a", count: 30) + "b").matches(text))
        #expect(Glob(String(repeating: "*a", count: 30)).matches(text))
        #expect(!Glob(String(repeating: "a*", count: 30) + "b").matches(text + "c"))
        #expect(ContinuousClock.now - started < .seconds(2), "\(ContinuousClock.now - started)")
    }

    @Test func globsAreEqualAndHashedByPattern() {
        #expect(Set([Glob("/a/*"), Glob("/a/*"), Glob("/b/?")]).count == 2)
        #expect(Glob("/caf\u{E9}") != Glob("/cafe\u{301}"), "they match different names, so neither may replace the other")
        #expect(Set([Glob("/caf\u{E9}"), Glob("/cafe\u{301}")]).count == 2)
    }
}
