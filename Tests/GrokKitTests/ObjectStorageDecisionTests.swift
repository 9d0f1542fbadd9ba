import Testing
@testable import GrokKit

/// Object storage's pure parts: names, sibling detection, objstore choice,
/// and the ref transaction of plumbing mode.
@Suite struct ObjectStorageDecisionTests {
    @Test func virtrefIsTwelveHexOfTheRealpathSha1() {
        // hashlib.sha1(b"/nonexistent-grok/pub/linux.git").hexdigest()[:12]
        #expect(Virtref.of("/nonexistent-grok/pub/linux.git") == "3a0ff0b50fe2")
        #expect(Virtref.owning(ref: "refs/virtual/0123456789ab/heads/master") == "0123456789ab")
        #expect(Virtref.owning(ref: "refs/heads/master") == nil)
        #expect(Virtref.owning(ref: "refs/virtual/") == nil)
    }

    @Test func siblingsByRoots() {
        let known: [String: Set<String>] = [
            "/a": ["r1"], "/same": ["r1"], "/superset": ["r1", "r2", "r3", "r4"], "/near": ["r1", "r9"],
            "/far": ["r1", "r7", "r8", "r9"], "/other": ["x"], "/empty": [],
        ]
        #expect(SiblingMatch.siblings(of: "/a", roots: ["r1"], among: known, exact: true) == ["/same"])
        #expect(SiblingMatch.siblings(of: "/a", roots: ["r1"], among: known, exact: false) == ["/same", "/superset", "/near", "/far"])
        // Differing by at most two roots in total, when neither contains the other.
        #expect(SiblingMatch.siblings(of: "/b", roots: ["r1", "r5"], among: known, exact: false) == ["/a", "/same", "/near"])
        #expect(SiblingMatch.siblings(of: "/x", roots: [], among: known, exact: false).isEmpty)
    }

    /// The index finds exactly what a pass over every repository finds, on
    /// a tree of forks, grafts, unrelated and rootless repositories.
    @Test func siblingIndexAgreesWithTheFullPass() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var known: [String: Set<String>] = [:]
        for index in 0..<400 {
            known["/r\(index)"] = Set((0..<next(4)).map { _ in "root\(next(60))" })
        }
        let index = SiblingMatch.Index(known)
        for (path, roots) in known {
            for exact in [false, true] {
                #expect(index.siblings(of: path, roots: roots, exact: exact) == SiblingMatch.siblings(of: path, roots: roots, among: known, exact: exact))
            }
        }
        #expect(index.siblings(of: "/new", roots: ["root1", "root2"], exact: false)
                == SiblingMatch.siblings(of: "/new", roots: ["root1", "root2"], among: known, exact: false))
    }

    @Test func bestObjectStoreByShareOfItsRoots() {
        let stores: [String: Set<String>] = ["/o/big.git": ["r1", "r2", "r3", "r4", "r5", "r6"], "/o/small.git": ["r1", "r2"], "/o/none.git": ["z"]]
        #expect(SiblingMatch.bestObjectStore(for: ["r1"], candidates: stores) == "/o/small.git")
        // One shared root of six is under the 0.2 floor.
        #expect(SiblingMatch.bestObjectStore(for: ["r6"], candidates: stores) == nil)
        // A baseline holder wins outright when it shares any root.
        #expect(SiblingMatch.bestObjectStore(for: ["r1"], candidates: stores, holdsBaseline: { $0 == "/o/big.git" }) == "/o/big.git")
        #expect(SiblingMatch.bestObjectStore(for: ["z"], excluding: "/o/none.git", candidates: stores) == nil)
        #expect(SiblingMatch.bestObjectStore(for: [], candidates: stores) == nil)
        // Ties go to the first path in sorted order.
        #expect(SiblingMatch.bestObjectStore(for: ["q"], candidates: ["/o/b.git": ["q"], "/o/a.git": ["q"]]) == "/o/a.git")
    }

    @Test func plumbingRefTransaction() {
        let commands = ObjectStorePlumbing.refCommands(
            source: ["refs/virtual/v/heads/a": "1", "refs/virtual/v/heads/b": "2", "refs/virtual/v/heads/new": "3"],
            destination: ["refs/virtual/v/heads/a": "1", "refs/virtual/v/heads/b": "9", "refs/virtual/v/heads/gone": "8"])
        #expect(commands == """
            update refs/virtual/v/heads/b 2 9
            delete refs/virtual/v/heads/gone 8
            create refs/virtual/v/heads/new 3

            """)
        #expect(ObjectStorePlumbing.refCommands(source: ["r": "1"], destination: ["r": "1"]).isEmpty)
    }

    @Test func uuidNames() {
        let name = UUID4.random()
        #expect(name.count == 36)
        #expect(name.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(name)[14] == "4")
        #expect("89ab".contains(Array(name)[19]))
        #expect(UUID4.random() != name)
    }
}
