import Testing
@testable import GrokKit

/// Manifest members holding a lone surrogate escape, in a key or in a
/// value (grokmirror 2.0.12 writes them for names that are not UTF-8): the
/// scan finds them, and grok-pull refuses them by name.
@Suite struct UndecodableEntryTests {
    func scan(_ json: String) throws -> [JSONParser.ScannedMember] { try JSONParser.scanObjectMembers(Array(json.utf8)) }

    @Test func theScanFlagsLoneSurrogatesInValuesAndKeys() throws {
        let members = try scan(#"""
            {"/a.git": {"symlinks": ["/l\udcff.git"]}, "/b.git": {"reference": "/b\udcff.git"}, "/c.git": {"description": "\ud83d\ude00"},
             "/d.git": {"x\udc80": 1}, "/e.git": {"d": "\ud800\u0041"}, "/f.git": {"d": "\ud800"}, "/g.git": {"d": "\uDCFF"},
             "/r\udcfd.git": {"d": "\u00e9\\u"}}
            """#)
        #expect(members.map(\.valueIsLossy) == [true, true, false, true, true, true, true, false])
        #expect(members.map(\.keyIsLossy) == [false, false, false, false, false, false, false, true])
        #expect(members.map(\.isCanonical) == [true, true, true, true, true, true, false, true], "upper-case hex is still not canonical")
        let bytes = Array(#"{"/a\u00e9.git": {}, "/r\udcfd.git" : {}}"#.utf8)
        let spellings = try JSONParser.scanObjectMembers(bytes).map { String(decoding: bytes[$0.keySpelling], as: UTF8.self) }
        #expect(spellings == [#"/a\u00e9.git"#, #"/r\udcfd.git"#])
    }

    @Test func pullRejectsASymlinkOrReferenceThatIsNotUTF8ByName() throws {
        let good = #""fingerprint": "\#(String(repeating: "a", count: 40))", "modified": 1"#
        let json = #"{"/pub/a.git": {\#(good), "symlinks": ["/pub/l\udcff.git"]}, "/pub/b.git": {\#(good), "reference": "/pub/b\udcff.git"}, "#
            + #""/pub/c.git": {\#(good), "reference": "/pub/a.git"}, "/priv/d.git": {\#(good), "description": "\udc80"}}"#
        let manifest = try Manifest.decode(Array(json.utf8))
        let culled = try PullPlan.cull(manifest, include: [Glob("/pub/*")], exclude: [], reserved: [])
        #expect(culled.entries.map(\.gitdir) == [Gitdir("/pub/c.git")])
        #expect(culled.rejected.map(\.description) == [
            #"remote manifest entry "/pub/a.git": a value is not valid UTF-8 after JSON decoding (a lone surrogate escape), so the entry cannot be mirrored exactly"#,
            #"remote manifest entry "/pub/b.git": a value is not valid UTF-8 after JSON decoding (a lone surrogate escape), so the entry cannot be mirrored exactly"#,
        ], "/priv/d.git is not included, so not reported")
        #expect(culled.protected == [Gitdir("/pub/a.git"), Gitdir("/pub/b.git")], "listed, so never purged")
        #expect(culled.entries.allSatisfy { !$0.entry.symlinks.contains { $0.path.contains("\u{FFFD}") } })
    }
}
