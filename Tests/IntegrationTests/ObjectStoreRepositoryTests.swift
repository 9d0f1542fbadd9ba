import Foundation
import Testing
import TestSupport
import GrokKit

/// The object storage building blocks on real repositories: an objstore
/// made by us looks like one made by grokmirror 2.0.12, siblings come in by
/// fetch or by plumbing with the same refs, and every repository stays
/// whole throughout.
@Suite struct ObjectStoreRepositoryTests {
    let dir = TemporaryDirectory()
    let git = GitRunner()

    /// A base repository and `count` forks of it, each with a commit of its own.
    func makeForks(_ count: Int) throws -> [String] {
        let base = dir.file("top/base.git")
        try makeRepository(at: base, commits: 5)
        var repos = [base]
        for index in 1...count {
            let fork = dir.file("top/fork\(index).git")
            try shell("""
                git clone -q --bare '\(base)' '\(fork)'
                work=$(mktemp -d); git clone -q '\(fork)' "$work/w"; cd "$work/w"
                echo "fork \(index)" > own.txt; git add own.txt; git commit -qm "fork \(index)"; git push -q origin HEAD:refs/heads/fork\(index)
                rm -rf "$work"
                """)
            repos.append(fork)
        }
        for repo in repos { _ = try shell("git --git-dir='\(repo)' show-ref | sha1sum | cut -c1-40 | tr -d '\\n' > '\(repo)/grokmirror.fingerprint'") }
        return repos.map(PathUtilities.realpath)
    }

    func localConfig(_ repo: String) throws -> [String] {
        try shell("git --git-dir='\(repo)' config --local --list").split(separator: "\n").map(String.init).sorted()
    }

    func refs(_ repo: String, under prefix: String = "refs/") throws -> String {
        try shell("git --git-dir='\(repo)' for-each-ref --format='%(objectname) %(refname)' '\(prefix)'")
    }

    @Test func createdLikeTheReferenceMakesThem() async throws {
        let ours = try await ObjectStoreRepository.create(in: dir.file("objstore"), name: "ours", git: git)
        #expect(ours.forkgroup == "ours")
        let python = try Tools.reference("python")
        _ = try runProcess(python, ["-c", "import grokmirror; grokmirror.setup_objstore_repo('\(dir.file("objstore"))', name='theirs')"])
        let theirs = dir.file("objstore/theirs.git")
        #expect(try localConfig(ours.path) == localConfig(theirs))
        #expect(try String(contentsOfFile: ours.path + "/grokmirror.objstore", encoding: .utf8)
                == String(contentsOfFile: theirs + "/grokmirror.objstore", encoding: .utf8))
        #expect(FileSystem.isSymlink(ours.path + "/FETCH_HEAD"))
        #expect(try shell("ls '\(ours.path)/hooks'").isEmpty)

        let unnamed = try await ObjectStoreRepository.create(in: dir.file("objstore"), git: git)
        #expect(UUID(uuidString: unnamed.forkgroup) != nil)
    }

    @Test func virtrefsMatchTheReference() throws {
        let repos = try makeForks(1)
        let python = try Tools.reference("python")
        for repo in repos {
            let theirs = try runProcess(python, ["-c", "import grokmirror; print(grokmirror.objstore_virtref('\(repo)'))"]).stdout
            #expect(theirs.trimmingCharacters(in: .whitespacesAndNewlines) == Virtref.of(repo))
        }
    }

    @Test func siblingsComeInByFetchOrPlumbingWithTheSameRefs() async throws {
        let repos = try makeForks(3)
        let porcelain = try await ObjectStoreRepository.create(in: dir.file("objstore"), name: "porcelain", git: git)
        let plumbing = try await ObjectStoreRepository.create(in: dir.file("objstore"), name: "plumbing", git: git)
        for repo in repos {
            #expect(try await porcelain.addSibling(repo))
            #expect(try await porcelain.addSibling(repo) == false)
            try await plumbing.addSibling(repo)
            #expect(porcelain.needsFetch(repo))
            try await porcelain.fetch(repo)
            try await plumbing.fetch(repo, plumbing: true)
            #expect(!porcelain.needsFetch(repo) && !plumbing.needsFetch(repo))
        }
        #expect(try refs(porcelain.path) == refs(plumbing.path))
        for (index, repo) in repos.enumerated() {
            let mirrored = try refs(porcelain.path, under: "refs/virtual/\(Virtref.of(repo))/")
            let own = try refs(repo).split(separator: "\n").map { $0.replacingOccurrences(of: " refs/", with: " refs/virtual/\(Virtref.of(repo))/") }
            #expect(mirrored.split(separator: "\n").map(String.init) == own)
            #expect(index == 0 || mirrored.contains("/heads/fork\(index)"))
        }
        #expect(porcelain.telltaleSiblings() == repos.sorted())
        #expect(Set(porcelain.siblings.map(\.fullpath)) == Set(repos))
        let config = try localConfig(porcelain.path)
        let virtref = Virtref.of(repos[1])
        #expect(config.contains("remote.\(virtref).fetch=+refs/*:refs/virtual/\(virtref)/*"))
        #expect(config.contains("remote.\(virtref).tagopt=--no-tags"))
        for store in [porcelain.path, plumbing.path] {
            _ = try shell("git --git-dir='\(store)' fsck --no-progress --no-dangling")
        }

        // The forks borrow from the objstore and drop what it holds.
        for repo in repos {
            try "\(plumbing.path)/objects\n".write(toFile: repo + "/objects/info/alternates", atomically: true, encoding: .utf8)
            _ = try shell("git --git-dir='\(repo)' repack -a -d -l -q && git --git-dir='\(repo)' fsck --no-progress --no-dangling --connectivity-only")
        }

        // A changed sibling is fetched again; plumbing mirrors moved and deleted refs too.
        _ = try shell("git --git-dir='\(repos[2])' update-ref refs/heads/moved \(try shell("git --git-dir='\(repos[2])' rev-parse master~1").trimmingCharacters(in: .whitespacesAndNewlines)) && git --git-dir='\(repos[2])' update-ref -d refs/heads/fork2")
        _ = try shell("git --git-dir='\(repos[2])' show-ref | sha1sum | cut -c1-40 | tr -d '\\n' > '\(repos[2])/grokmirror.fingerprint'")
        #expect(plumbing.needsFetch(repos[2]))
        try await plumbing.fetch(repos[2], plumbing: true)
        try await porcelain.fetch(repos[2])
        #expect(try refs(porcelain.path) == refs(plumbing.path))
        #expect(try refs(plumbing.path, under: "refs/virtual/\(Virtref.of(repos[2]))/").contains("heads/moved"))

        // Removing a sibling drops its refs, remote and fingerprint file.
        try await porcelain.removeSibling(virtref: virtref)
        #expect(try refs(porcelain.path, under: "refs/virtual/\(virtref)/").isEmpty)
        #expect(!porcelain.siblings.contains { $0.virtref == virtref })
        #expect(!FileSystem.exists(porcelain.fingerprintFile(virtref: virtref)))
        #expect(try await porcelain.virtrefsWithRefs() == Set(repos.filter { $0 != repos[1] }.map(Virtref.of)))
        await #expect(throws: ObjectStoreRepository.Failure.self) { try await porcelain.fetch(repos[1]) }
        for store in [porcelain.path, plumbing.path] {
            _ = try shell("git --git-dir='\(store)' fsck --no-progress --no-dangling")
        }
    }

    @Test func rootCommitsAreCachedLikeTheReference() async throws {
        let repos = try makeForks(1)
        let roots = try #require(await RootCommits(git: git).of(repos[0]))
        #expect(roots == [try shell("git --git-dir='\(repos[0])' rev-list --max-parents=0 --all").trimmingCharacters(in: .whitespacesAndNewlines)])
        let python = try Tools.reference("python")
        let theirs = try runProcess(python, ["-c", "import grokmirror; print(sorted(grokmirror.get_repo_roots('\(repos[0])')))"]).stdout
        #expect(theirs.contains(roots.first!))
        #expect(!theirs.contains("''"))
        #expect(await RootCommits(git: git).of(dir.file("missing.git")) == nil)
    }
}
