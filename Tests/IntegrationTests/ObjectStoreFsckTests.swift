import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-fsck's object storage on real trees: forks of one base plus
/// unrelated repositories end up sharing one objstore repository, every
/// repository stays whole, private and do-not-objstore repositories are
/// respected, redundant objstores merge, and layouts made by grokmirror
/// 2.0.12 and by us are each maintained by the other.
@Suite struct ObjectStoreFsckTests {
    /// `forks` forks of /forks/base.git (each with a commit of its own) and
    /// `unrelated` independent repositories, all with a 256 KiB random blob
    /// so shared history shows in the disk use.
    final class ForkTree {
        let fixture: FsckFixture
        var toplevel: String { fixture.toplevel }
        var objstore: String { toplevel + "/objstore" }
        let forks: [String]
        let unrelated: [String]

        init(forks count: Int, unrelated unrelatedCount: Int = 2, extra: String = "") throws {
            fixture = try FsckFixture(repos: 0, extra: extra)
            let top = fixture.toplevel
            var forks = [top + "/forks/base.git"]
            try shell("""
                set -e
                work=$(mktemp -d); git init -q -b master "$work/w"; cd "$work/w"
                head -c 262144 /dev/urandom > big.bin; echo base > README; git add -A; git commit -qm base
                for i in 1 2 3; do echo "base $i" >> README; git commit -qam "base $i"; done
                mkdir -p '\(top)/forks'; git clone -q --bare . '\(top)/forks/base.git'; rm -rf "$work"
                """)
            for index in 1...count {
                let fork = top + "/forks/fork\(index).git"
                try shell("""
                    set -e
                    git clone -q --bare --no-local '\(top)/forks/base.git' '\(fork)'
                    work=$(mktemp -d); git clone -q '\(fork)' "$work/w"; cd "$work/w"
                    echo "fork \(index)" > own.txt; git add own.txt; git commit -qm "fork \(index)"; git push -q origin HEAD:refs/heads/fork\(index)
                    rm -rf "$work"
                    """)
                forks.append(fork)
            }
            var unrelated: [String] = []
            for index in 0..<unrelatedCount {
                let repo = top + "/other/project\(index).git"
                try shell("""
                    set -e
                    work=$(mktemp -d); git init -q -b master "$work/w"; cd "$work/w"
                    head -c 262144 /dev/urandom > big.bin; git add -A; git commit -qm "project \(index)"
                    mkdir -p '\(top)/other'; git clone -q --bare . '\(repo)'; rm -rf "$work"
                    """)
                unrelated.append(repo)
            }
            self.forks = forks.map(PathUtilities.realpath)
            self.unrelated = unrelated.map(PathUtilities.realpath)
            try fixture.updateManifest()
        }

        var all: [String] { forks + unrelated }

        func stores() -> [String] { ObjectStoreMigration.objectStores(in: objstore) }

        func lender(_ repo: String) -> String? { Alternates.borrowedRepository(of: repo) }

        /// Kilobytes on disk of the objects of the repositories and the objstore.
        func diskUse() throws -> Int {
            let paths = (all + stores()).map { "'\($0)/objects'" }.joined(separator: " ")
            return Int(try shell("du -sck \(paths) | tail -1 | cut -f1").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }

        /// Full `git fsck` of every repository and objstore, and a clone of each.
        func expectAllWhole(sourceLocation: SourceLocation = #_sourceLocation) throws {
            for repo in all + stores() {
                let check = try runProcess("/usr/bin/git", ["--git-dir=\(repo)", "fsck", "--no-progress", "--no-dangling"])
                #expect(check.status == 0, "git fsck \(repo): \(check.stderr)", sourceLocation: sourceLocation)
            }
            let scratch = TemporaryDirectory()
            for (index, repo) in all.enumerated() {
                let clone = try runProcess("/usr/bin/git", ["clone", "-q", "--bare", "--no-local", repo, scratch.file("c\(index).git")])
                #expect(clone.status == 0, "clone of \(repo): \(clone.stderr)", sourceLocation: sourceLocation)
            }
        }

        func manifestEntry(_ repo: String) throws -> ManifestEntry? {
            try loadManifest(toplevel + "/manifest.js.gz")[Gitdir.of(fullpath: repo, toplevel: PathUtilities.realpath(toplevel))!]
        }
    }

    @Test func forksShareOneObjectStoreAndStayWhole() throws {
        let tree = try ForkTree(forks: 6)
        let before = try tree.diskUse()
        let run = try tree.fixture.runFsck(["-f"])
        #expect(run.status == 0, "\(run.stderr)")
        let stores = tree.stores()
        try #require(stores.count == 1, "\(stores)\n\(tree.fixture.log)")
        let store = stores[0]
        for fork in tree.forks { #expect(tree.lender(fork) == store, "\(fork)") }
        for repo in tree.unrelated { #expect(tree.lender(repo) == nil) }
        let remotes = Set(ObjectStoreRepository(path: store, git: GitRunner()).siblings.map { PathUtilities.realpath($0.fullpath) })
        #expect(remotes == Set(tree.forks))
        try tree.expectAllWhole()
        let after = try tree.diskUse()
        // Seven copies of a 256 KiB blob become one.
        #expect(after < before - 5 * 256, "disk use \(before) KiB -> \(after) KiB")
        let forkgroup = PathUtilities.basename(store).replacingOccurrences(of: ".git", with: "")
        for fork in tree.forks { #expect(try tree.manifestEntry(fork)?.forkgroup == forkgroup) }
        #expect(try tree.manifestEntry(tree.unrelated[0])?.forkgroup == nil)
        let status = try tree.fixture.status()
        #expect(status[store]?.object["lastfullrepack"]?.stringValue == tree.fixture.today, "the new objstore is fully repacked at once")

        // A second run finds nothing to move and leaves the layout alone.
        let again = try tree.fixture.runFsck(["-f"])
        #expect(again.status == 0)
        #expect(tree.stores() == stores)
        try tree.expectAllWhole()

        // grok-manifest -o from a push hook brings the push into the objstore.
        let fork = tree.forks[1]
        let pushed = try tree.fixture.git(fork, "commit-tree -p refs/heads/master -m pushed refs/heads/master^{tree}")
        _ = try tree.fixture.git(fork, "update-ref refs/heads/pushed \(pushed)")
        let hook = try runProcess(Tools.ours("grok-manifest"), ["--cfgfile", tree.fixture.config, "-o", fork])
        #expect(hook.status == 0, "\(hook.stderr)")
        #expect(try tree.fixture.git(store, "rev-parse refs/virtual/\(Virtref.of(fork))/heads/pushed") == pushed)
    }

    /// A borrower grok-fsck cannot see (moved under a directory whose name
    /// is not UTF-8) keeps its objstore: with the other siblings gone the
    /// objstore looks unused, but the borrower scan could not look
    /// everywhere, so the upkeep that would delete it is skipped.
    @Test func anObjectStoreWhoseBorrowerIsOutOfSightIsKept() throws {
        let tree = try ForkTree(forks: 2, unrelated: 2)
        #expect(try tree.fixture.runFsck(["-f"]).status == 0)
        let stores = tree.stores()
        try #require(stores.count == 1, "\(tree.fixture.log)")
        let hidden = "\"\(tree.toplevel)/$(printf '\\377')/fork2.git\""
        try shell("""
            set -e
            mkdir "\(tree.toplevel)/$(printf '\\377')" && mv '\(tree.forks[2])' \(hidden)
            rm -rf '\(tree.forks[0])' '\(tree.forks[1])'
            """)
        try tree.fixture.updateManifest()
        let run = try tree.fixture.runFsck(["-f"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(tree.stores() == stores, "the objstore is kept: \(tree.fixture.log)")
        #expect(tree.fixture.log.contains("Objstore upkeep skipped"), "\(tree.fixture.log)")
        try shell("git --git-dir=\(hidden) fsck --no-progress 2>&1")
    }

    /// A borrower its objstore does not list (copied by hand) is added to
    /// the objstore's siblings once, and the next run knows it.
    @Test func aBorrowerCopiedByHandIsRegisteredOnce() throws {
        let tree = try ForkTree(forks: 2, unrelated: 0)
        #expect(try tree.fixture.runFsck(["-f"]).status == 0)
        let store = try #require(tree.stores().first)
        let copy = tree.toplevel + "/forks/copy.git"
        try shell("cp -a '\(tree.forks[1])' '\(copy)'")
        try tree.fixture.updateManifest()
        let first = try tree.fixture.runFsck(["-f"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.components(separatedBy: "reconfig: /forks/copy.git").count == 2, "\(first.stderr)")
        let siblings = ObjectStoreRepository(path: store, git: GitRunner()).siblings.map { PathUtilities.realpath($0.fullpath) }
        #expect(siblings.contains(PathUtilities.realpath(copy)))
        let second = try tree.fixture.runFsck(["-f"])
        #expect(second.status == 0)
        #expect(!second.stderr.contains("reconfig:"), "\(second.stderr)")
        try tree.expectAllWhole()
    }

    @Test func privateReposBorrowButNeverLend() throws {
        let tree = try ForkTree(forks: 3, unrelated: 0)
        tree.fixture.writeConfig(mailhost: "127.0.0.1:1", extra: "")
        let config = try String(contentsOfFile: tree.fixture.config, encoding: .utf8)
        try config.replacingOccurrences(of: "[core]\n", with: "[core]\nprivate = /forks/fork2.git\n")
            .write(toFile: tree.fixture.config, atomically: true, encoding: .utf8)
        let secret = tree.forks[2]
        let secretCommit = try tree.fixture.git(secret, "rev-parse refs/heads/fork2")
        #expect(try tree.fixture.runFsck(["-f"]).status == 0)
        let store = try #require(tree.stores().first)
        #expect(tree.lender(secret) == store, "the private repository borrows")
        let siblings = ObjectStoreRepository(path: store, git: GitRunner()).siblings.map { PathUtilities.realpath($0.fullpath) }
        #expect(!siblings.contains(secret))
        #expect(try tree.fixture.git(store, "for-each-ref refs/virtual/\(Virtref.of(secret))/").isEmpty)
        let inStore = try runProcess("/usr/bin/git", ["--git-dir=\(store)", "cat-file", "-e", secretCommit])
        #expect(inStore.status != 0, "the private commit never enters the objstore")
        try tree.expectAllWhole()
    }

    @Test func doNotObjstoreIsHonoured() throws {
        let tree = try ForkTree(forks: 2, unrelated: 0)
        let kept = tree.forks[1]
        _ = FileManager.default.createFile(atPath: kept + "/grokmirror.do-not-objstore", contents: Data())
        #expect(try tree.fixture.runFsck(["-f"]).status == 0)
        #expect(tree.lender(kept) == nil)
        #expect(tree.lender(tree.forks[0]) != nil)
        try tree.expectAllWhole()
    }

    @Test func redundantObjectStoresMerge() async throws {
        let tree = try ForkTree(forks: 3, unrelated: 0)
        let git = GitRunner()
        // Two objstores for one family, as two separate grok-fsck runs on
        // different hosts could leave behind.
        var stores: [ObjectStoreRepository] = []
        for (index, members) in [[tree.forks[0], tree.forks[1], tree.forks[2]], [tree.forks[3]]].enumerated() {
            let store = try await ObjectStoreRepository.create(in: tree.objstore, name: "group\(index)", git: git)
            for member in members {
                try await store.addSibling(member)
                try await store.fetch(member)
                #expect(Alternates.borrow(member, from: store.path))
            }
            stores.append(store)
        }
        let run = try tree.fixture.runFsck(["-f"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(tree.stores() == [stores[0].path], "\(tree.stores())\n\(tree.fixture.log)")
        for fork in tree.forks { #expect(tree.lender(fork) == stores[0].path) }
        #expect(tree.fixture.log.contains("group1.git: merging into group0.git"))
        try tree.expectAllWhole()
    }

    @Test func aReferenceLayoutIsMaintainedByUsAndOursByTheReference() throws {
        let referenceFsck = try Tools.reference("grok-fsck")
        // The reference builds the layout; we accept it and add a new fork to it.
        let tree = try ForkTree(forks: 3)
        #expect(try runProcess(referenceFsck, ["-c", tree.fixture.config, "-f"]).status == 0)
        let theirs = tree.stores()
        try #require(theirs.count == 1)
        try shell("git clone -q --bare '\(tree.forks[0])' '\(tree.toplevel)/forks/late.git'")
        try tree.fixture.updateManifest()
        let run = try tree.fixture.runFsck(["-f"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(tree.stores() == theirs)
        #expect(tree.lender(PathUtilities.realpath(tree.toplevel + "/forks/late.git")) == theirs[0])
        try tree.expectAllWhole()

        // We build a layout; the reference accepts it and keeps it.
        let ours = try ForkTree(forks: 3)
        #expect(try ours.fixture.runFsck(["-f"]).status == 0)
        let built = ours.stores()
        try #require(built.count == 1)
        let referenceRun = try runProcess(referenceFsck, ["-c", ours.fixture.config, "-f"])
        #expect(referenceRun.status == 0, "\(referenceRun.stderr)")
        #expect(ours.stores() == built)
        for fork in ours.forks { #expect(ours.lender(fork) == built[0]) }
        try ours.expectAllWhole()
    }
}
