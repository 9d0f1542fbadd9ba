import Testing
import GrokKit
@testable import GrokServe

@Suite struct EscapingTests {
    @Test func htmlEscapesMarkupAndQuotes() {
        #expect(Escape.html("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        #expect(Escape.html("plain/path.git") == "plain/path.git")
    }

    @Test func jsonEscapesControlsQuotesAndMarkup() {
        var out: [UInt8] = []
        Escape.json("a\"b\\c\n\u{1}<x>&é", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\n\u0001\u003Cx\u003E\u0026é""#)
    }

    /// Runs without an escape are copied whole: an escape first, last,
    /// alone or twice in a row, and none at all.
    @Test(arguments: [("", #""""#), ("<", #""\u003C""#), ("ab", #""ab""#), ("\"x", #""\"x""#), ("x\t", #""x\t""#),
                      ("\r\n", #""\r\n""#), ("é/ü\u{7f}", "\"é/ü\u{7f}\"")])
    func jsonCopiesRunsAroundEscapes(text: String, json: String) throws {
        var out: [UInt8] = []
        Escape.json(text, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == json)
        #expect(try JSONParser.parse(out).stringValue == text)
    }

    @Test func urlPathKeepsSlashesAndEncodesTheRest() {
        #expect(Escape.urlPath("/pub/a b?.git") == "/pub/a%20b%3F.git")
        #expect(Escape.urlQuery("a/b&c") == "a%2Fb%26c")
    }

    @Test(arguments: ["/../etc/passwd", "/a/%2e%2e/b", "/a/%2E%2E", "/a/./b", "/a//b", "/a%00b", "/a%5cb", "/a\\b", "/a%zz", "/a%2", "no-slash",
                      "/%2e%2e%2fetc"])
    func traversalAndMalformedPathsAreRefused(path: String) {
        #expect(RequestPath.decode(Substring(path)) == nil)
    }

    @Test func ordinaryPathsAreDecoded() {
        #expect(RequestPath.decode("/pub/scm/git/git.git") == "/pub/scm/git/git.git")
        #expect(RequestPath.decode("/pub/a%20b.git") == "/pub/a b.git")
        #expect(RequestPath.decode("/pub/..x.git") == "/pub/..x.git", "only a whole .. component is a traversal")
    }
}

@Suite struct StatusJSONNumberTests {
    @Test(arguments: [(0.0, "0"), (7.0, "7"), (1796033698.6827302, "1796033698.683"), (0.25, "0.25"), (1.5, "1.5"),
                      (1000.001, "1000.001"), (-2.5, "-2.5"), (10.0, "10"), (100.0, "100")])
    func timesToTheMillisecond(value: Double, text: String) {
        var out: [UInt8] = []
        StatusJSON.number(value, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }

    @Test(arguments: [(0, "0"), (9, "9"), (10, "10"), (-7, "-7"), (1_234_567_890_123, "1234567890123"), (Int.max, "9223372036854775807"),
                      (Int.min, "-9223372036854775808")])
    func countsInDecimal(value: Int, text: String) {
        var out: [UInt8] = []
        StatusJSON.count(value, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }

    @Test func notANumberIsNull() {
        var out: [UInt8] = []
        StatusJSON.number(.nan, into: &out)
        StatusJSON.number(nil, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "nullnull")
    }
}

@Suite struct StatusJSONDocumentTests {
    /// The whole document parses, says what the store says, and fits in
    /// the bytes reserved for it (so it never grows by copying).
    @Test func theDocumentParsesAndFitsItsReservation() throws {
        let now = RepositoryStateTests.now
        var snapshot = StatusSnapshot()
        snapshot.repositories = [RepositoryStateTests.status("/pub/a.git"),
                                 RepositoryStateTests.status("/pub/\"b\"<x>.git", failures: 3, failingSince: now - 60, error: "fatal:\n\"boom\"\t&")]
        var push = PushStatus(gitdir: Gitdir("/pub/a.git"), destination: "github")
        (push.lastSuccess, push.consecutiveFailures, push.lastError) = (now - 200, 2, "denied\u{1}")
        snapshot.pushes = [push]
        let view = StatusView(snapshot: snapshot, fsck: { ["/pub/a.git": "2026-11-20"] }, settings: ServeSettings(), now: now)
        let document = StatusJSON.all(view, now: now)
        #expect(256 + StatusJSON.estimatedSize(view.repositories[...]) >= document.count)
        let repos = try #require(try JSONParser.parse(document).objectValue?["repos"]?.objectValue)
        let failing = try #require(repos["/pub/\"b\"<x>.git"]?.objectValue)
        #expect(failing["state"]?.stringValue == "failing" && failing["consecutive_failures"]?.intValue == 3)
        #expect(failing["last_error"]?.stringValue == "fatal:\n\"boom\"\t&" && failing["fsck_last_check"]?.isNull == true)
        let ok = try #require(repos["/pub/a.git"]?.objectValue)
        #expect(ok["fsck_last_check"]?.stringValue == "2026-11-20" && ok["fetch_seconds"]?.isNull == true)
        let github = try #require(ok["pushes"]?.objectValue?["github"]?.objectValue)
        #expect(github["behind"] == .bool(true) && github["consecutive_failures"]?.intValue == 2 && github["last_error"]?.stringValue == "denied\u{1}")
        #expect(github["last_success"] == .number("1799999800"))
    }

    /// From 1,000 repositories on, the two halves are written on two
    /// threads and joined: one object, every repository once, in order.
    @Test func aLargeDocumentIsWrittenInTwoHalvesAndJoined() throws {
        var snapshot = StatusSnapshot()
        snapshot.repositories = (0..<1501).map { RepositoryStateTests.status("/pub/r\($0 + 10_000).git") }
        let view = StatusView(snapshot: snapshot, fsck: { ["/pub/r10750.git": "2026-11-21"] }, settings: ServeSettings(), now: RepositoryStateTests.now)
        let document = StatusJSON.all(view, now: RepositoryStateTests.now)
        #expect(256 + StatusJSON.estimatedSize(view.repositories[...]) >= document.count)
        let repos = try #require(try JSONParser.parse(document).objectValue?["repos"]?.objectValue)
        #expect(repos.keys == view.repositories.map(\.gitdir))
        #expect(repos["/pub/r10750.git"]?.objectValue?["fsck_last_check"]?.stringValue == "2026-11-21")
        #expect(document.last == UInt8(ascii: "\n"))
    }
}
