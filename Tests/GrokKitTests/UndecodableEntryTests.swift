import Testing
@testable import GrokKit

/// Manifest members holding a lone surrogate escape, in a key or in a
/// value (grokmirror 2.0.12 writes them for names that are not UTF-8): the
/// scan finds them, every rewrite keeps them byte for byte, and grok-pull
/// refuses them by name.
@Suite struct UndecodableEntryTests {
    /// json.dumps of a dict grokmirror could hold: a symlink and a key that
    /// are not UTF-8, a supplementary character and one just above the
    /// surrogates, so that sorting them any other way than by code point shows.
    let compact = #"{"/r\ue000.git": {"b": 1, "a": ["x"]}, "/r\udcfd.git": {"modified": 2, "reference": null}, "#
        + #""/r\ud83d\ude00.git": {}, "/r\ud7ff.git": {"symlinks": ["/l\udcff.git"]}}"#
    /// json.dumps(…, indent=2, sort_keys=True) of the same dict, by Python 3.
    let pretty = """
        {
          "/r\\ud7ff.git": {
            "symlinks": [
              "/l\\udcff.git"
            ]
          },
          "/r\\udcfd.git": {
            "modified": 2,
            "reference": null
          },
          "/r\\ue000.git": {
            "a": [
              "x"
            ],
            "b": 1
          },
          "/r\\ud83d\\ude00.git": {}
        }
        """

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

    @Test func codePointsSortLoneSurrogatesWherePythonDoes() {
        func codePoints(_ spelling: String) -> [UInt8] { JSONParser.codePoints(ofSpelling: ArraySlice(spelling.utf8)) }
        #expect(codePoints(#"/r\ud7ff.git"#) == Array("/r\u{D7FF}.git".utf8))
        #expect(codePoints(#"/r\udcfd.git"#) == [0x2F, 0x72, 0xED, 0xB3, 0xBD, 0x2E, 0x67, 0x69, 0x74])
        #expect(codePoints(#"/\ud83d\ude00\"\/"#) == Array("/\u{1F600}\"/".utf8))
        let order = [#"/r\ud83d\ude00.git"#, #"/r\ue000.git"#, #"/r\udcfd.git"#, #"/r\ud7ff.git"#].map(codePoints).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(order == [#"/r\ud7ff.git"#, #"/r\udcfd.git"#, #"/r\ue000.git"#, #"/r\ud83d\ude00.git"#].map(codePoints))
    }

    @Test func decodeThenEncodeKeepsThemByteForByte() throws {
        let fromCompact = try Manifest.decode(Array(compact.utf8))
        #expect(fromCompact.gitdirs == [Gitdir("/r\u{E000}.git"), Gitdir("/r\u{1F600}.git")])
        #expect(fromCompact.count == 2, "kept members are no entries a tool may act on or remove")
        #expect(fromCompact.undecodable.map(\.spelling) == [#"/r\udcfd.git"#, #"/r\ud7ff.git"#])
        #expect(fromCompact.undecodable.map(\.gitdir) == [nil, Gitdir("/r\u{D7FF}.git")])
        #expect(String(decoding: fromCompact.encode(pretty: false), as: UTF8.self) == compact)
        let fromPretty = try Manifest.decode(Array(pretty.utf8))
        #expect(String(decoding: fromPretty.encode(pretty: true), as: UTF8.self) == pretty)
        #expect(fromPretty.gitdirs.sorted() == fromCompact.gitdirs.sorted() && fromPretty.gitdirs.allSatisfy { fromPretty[$0] == fromCompact[$0] })
        #expect(fromPretty.undecodable.map(\.spelling).sorted() == fromCompact.undecodable.map(\.spelling).sorted())
        // Across layouts, a kept value keeps the layout it was read with
        // (Python reads this as it reads `compact`).
        #expect(String(decoding: fromCompact.encode(pretty: true), as: UTF8.self) == """
            {
              "/r\\ud7ff.git": {"symlinks": ["/l\\udcff.git"]},
              "/r\\udcfd.git": {"modified": 2, "reference": null},
              "/r\\ue000.git": {
                "a": [
                  "x"
                ],
                "b": 1
              },
              "/r\\ud83d\\ude00.git": {}
            }
            """)
    }

    @Test func rewritesKeepThemInPlaceAndAFreshEntryReplacesOne() throws {
        var manifest = try Manifest.decode(Array(compact.utf8))
        manifest[Gitdir("/r\u{E000}.git")] = nil
        manifest[Gitdir("/new.git")] = ManifestEntry()
        #expect(String(decoding: manifest.encode(pretty: false), as: UTF8.self)
                == #"{"/r\ud83d\ude00.git": {}, "/r\ud7ff.git": {"symlinks": ["/l\udcff.git"]}, "/new.git": {}, "/r\udcfd.git": {"modified": 2, "reference": null}}"#,
                "one whose entry before it went is written last")
        manifest.remove([Gitdir("/r\u{D7FF}.git")])
        #expect(manifest.undecodable.count == 2, "purges and walks only remove entries")
        manifest[Gitdir("/r\u{D7FF}.git")] = ManifestEntry()
        #expect(manifest.undecodable.map(\.spelling) == [#"/r\udcfd.git"#], "a tool that read the repository replaces its kept entry")
        #expect(manifest.count == 3)
        let twice = try Manifest.decode(Array(#"{"/a.git": {"symlinks": ["/l\udcff.git"]}, "/a.git": {"modified": 1}}"#.utf8))
        #expect(twice.gitdirs == [Gitdir("/a.git")] && twice.undecodable.isEmpty, "of one key decodable and not, the decodable one is kept")
    }

    @Test func theirValuesMustStillBeJSONAndUTF8() {
        for bad in [#"{"/r\udcfd.git": "x"}"#, #"{"/a.git": {"d": "\udcfd", "e": "\#u{FF}"}}"#, #"{"/a.git": {"d": "\udcfd",}}"#] {
            var bytes = Array(bad.utf8)
            if let index = bytes.firstIndex(of: 0xC3) { bytes.replaceSubrange(index...index + 1, with: [0xFF]) }
            #expect(throws: Manifest.DecodeError.self, "\(bad)") { try Manifest.decode(bytes) }
        }
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

    /// Before values were checked, `/pub/a.git` was a listed repository,
    /// so no link of another entry could replace it; rejected, it still is.
    @Test func aRejectedEntryStillKeepsLinksOffItsRepository() throws {
        let good = #""fingerprint": "\#(String(repeating: "a", count: 40))", "modified": 1"#
        let json = #"{"/pub/a.git": {\#(good), "description": "\udc80"}, "/pub/b.git": {\#(good), "symlinks": ["/pub/a.git", "/pub/l.git"]}}"#
        let culled = try PullPlan.cull(try Manifest.decode(Array(json.utf8)), include: [Glob("*")], exclude: [], reserved: [])
        #expect(culled.entries.map(\.gitdir) == [Gitdir("/pub/b.git")])
        #expect(culled.entries.first?.entry.symlinks == [Gitdir("/pub/l.git")])
        #expect(culled.droppedSymlinks == ["symlink /pub/a.git of /pub/b.git ignored: it is also listed as a repository"])
    }

    @Test func grokManifestNamesTheFirstFewItKeeps() throws {
        #expect(ManifestUpdater.keptUnchangedWarning([]) == nil)
        let manifest = try Manifest.decode(Array(#"{"/a\udc80.git": {}, "/b\udc80.git": {}, "/c\udc80.git": {}, "/d\udc80.git": {}, "/e\udc80.git": {}}"#.utf8))
        let warning = try #require(ManifestUpdater.keptUnchangedWarning(manifest.undecodable))
        #expect(warning.hasPrefix(#"Keeping 5 manifest entries unchanged ("/a\udc80.git", "/b\udc80.git", "/c\udc80.git" and 2 more)"#), "\(warning)")
    }
}
