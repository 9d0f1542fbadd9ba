import Testing
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

    @Test func notANumberIsNull() {
        var out: [UInt8] = []
        StatusJSON.number(.nan, into: &out)
        StatusJSON.number(nil, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "nullnull")
    }
}
