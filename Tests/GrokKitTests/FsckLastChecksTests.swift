import Testing
@testable import GrokKit

/// grok-serve reads only each record's `lastcheck` from grok-fsck's
/// statusfile; it must read what the full decoder reads.
@Suite struct FsckLastChecksTests {
    @Test func theScanAgreesWithTheFullDecode() throws {
        let text = #"""
            {
              "/srv/m/a.git": {"lastcheck": "2026-11-01", "nextcheck": "2026-12-01", "fingerprint": "00", "s": {"x": [1, 2, {"lastcheck": "no"}]}},
              "/srv/m/caf\u00e9 \"q\".git": {"nextcheck": "2026-12-02", "lastcheck": "never"},
              "/srv/m/b.git": {"lastcheck": 5, "nextcheck": "2026-12-03"},
              "/srv/m/dup.git": {"lastcheck": "first", "nextcheck": "x"},
              "/srv/m/none.git": {"nextcheck": "2026-12-04"},
              "/srv/m/dup.git": {"lastcheck": "second", "nextcheck": "x"},
              "/srv/m/esc.git": {"lastcheck": "2026-\u0031\u0031-05", "nextcheck": "x", "lastcheck": "2026-11-06"}
            }
            """#
        let bytes = Array(text.utf8)
        let scanned = try FsckStatus.lastChecks(bytes)
        let decoded = try FsckStatus.decode(bytes)
        var last: [String: String?] = [:]
        for (path, check) in scanned { last[path] = check }
        #expect(Set(last.keys) == Set(decoded.paths))
        for path in decoded.paths {
            #expect(last[path] == decoded[path]?.lastCheck, "\(path)")
        }
        #expect(last["/srv/m/caf\u{e9} \"q\".git"] == "never")
        #expect(last["/srv/m/dup.git"] == "second" && last["/srv/m/esc.git"] == "2026-11-06")
        #expect(last["/srv/m/b.git"] == .some(nil) && last["/srv/m/none.git"] == .some(nil))
    }

    @Test func brokenDocumentsAreErrors() {
        for text in ["", "[]", #"{"a": {"lastcheck": "x"}"#, #"{"a": {"lastcheck": "x"}} trailing"#, #"{"a": {"lastcheck": "x}}"#] {
            #expect(throws: FsckStatus.DecodeError.self, "\(text)") { try FsckStatus.lastChecks(Array(text.utf8)) }
        }
    }
}
