import Testing
import TestSupport
@testable import GrokKit

@Suite struct RepositoryTests {
    let dir = TemporaryDirectory()

    @Test func walkFindsReposWithoutDescendingAndHonoursIgnoreAndObjstore() throws {
        try shell("""
            cd '\(dir.path)'
            git init -q --bare pub/a.git
            git init -q --bare pub/a.git/nested-inside.git
            git init -q --bare pub/sub/deeper/b.git
            git init -q --bare private/secret.git
            git init -q --bare objstore/1234.git && touch objstore/1234.git/grokmirror.objstore
            mkdir -p pub/notarepo/objects pub/notarepo/refs
            ln -s ../pub/sub/deeper/b.git links/b-link.git 2>/dev/null || (mkdir links && ln -s ../pub/sub/deeper/b.git links/b-link.git)
            mkdir -p outside && git init -q --bare outside/inner.git && ln -s ../outside linked-dir
            """)
        let walker = RepositoryWalker(ignore: [Glob("*/private")], excludeObjectStores: true)
        let found = walker.findAll(under: dir.path).map { String($0.dropFirst(dir.path.count)) }
        #expect(found == ["/links/b-link.git", "/outside/inner.git", "/pub/a.git", "/pub/sub/deeper/b.git"])
        let all = RepositoryWalker(excludeObjectStores: false).findAll(under: dir.path).map { String($0.dropFirst(dir.path.count)) }
        #expect(all.contains("/objstore/1234.git"))
        #expect(all.contains("/private/secret.git"))
        #expect(!all.contains { $0.hasPrefix("/linked-dir") })
    }

    @Test func bareDetection() throws {
        try shell("cd '\(dir.path)' && git init -q --bare r.git && git init -q work && mkdir -p fake/objects fake/refs")
        #expect(BareRepository.isBare(dir.file("r.git")))
        #expect(!BareRepository.isBare(dir.file("work")))
        #expect(BareRepository.isBare(dir.file("work/.git")))
        #expect(!BareRepository.isBare(dir.file("fake")))
    }

    @Test func alternatesAndForkgroup() throws {
        try shell("""
            cd '\(dir.path)'
            git init -q --bare objstore/fg1.git && touch objstore/fg1.git/grokmirror.objstore
            git init -q --bare parent.git
            git init -q --bare child.git && echo '\(dir.path)/objstore/fg1.git/objects' > child.git/objects/info/alternates
            git init -q --bare legacy.git && echo '\(dir.path)/parent.git/objects' > legacy.git/objects/info/alternates
            """)
        let child = Alternates.borrowedRepository(of: dir.file("child.git"))
        #expect(child == dir.file("objstore/fg1.git"))
        #expect(Alternates.forkgroup(ofBorrowed: child) == "fg1")
        let legacy = Alternates.borrowedRepository(of: dir.file("legacy.git"))
        #expect(legacy == dir.file("parent.git"))
        #expect(Alternates.forkgroup(ofBorrowed: legacy) == nil)
        #expect(Alternates.borrowedRepository(of: dir.file("parent.git")) == nil)
    }

    @Test func descriptionHeadAndOwner() async throws {
        try shell("""
            cd '\(dir.path)'
            git init -q --bare plain.git
            git init -q --bare described.git && printf '  Hello \\xff world \\n\\n' > described.git/description
            git --git-dir=described.git config gitweb.owner 'Jane "JD" Doe'
            git init -q --bare included.git
            printf '[gitweb]\\n\\towner = Included Owner\\n' > inc.conf
            git --git-dir=included.git config include.path '\(dir.path)/inc.conf'
            """)
        #expect(RepoInfoReader.description(of: dir.file("plain.git")) == nil)
        #expect(RepoInfoReader.description(of: dir.file("described.git")) == "Hello \u{FFFD} world")
        #expect(RepoInfoReader.head(of: dir.file("plain.git")) == "ref: refs/heads/master" || RepoInfoReader.head(of: dir.file("plain.git"))?.hasPrefix("ref: refs/heads/") == true)
        let reader = RepoInfoReader(git: GitRunner(), inheritedOwner: "Inherited")
        #expect(try await reader.owner(of: dir.file("described.git")) == "Jane \"JD\" Doe")
        #expect(try await reader.owner(of: dir.file("plain.git")) == "Inherited")
        #expect(try await reader.owner(of: dir.file("included.git")) == "Included Owner")
    }

    @Test func gitConfigParserAgreesWithGit() throws {
        let cases = [
            "[gitweb]\n\towner = Simple\n",
            "[gitweb]\nowner = \"quoted  with  spaces\" ; comment\n",
            "[GitWeb]\n  Owner=Mixed Case   \n",
            "[core]\n\tbare = true\n[gitweb]\n\towner = First\n[gitweb]\n\towner = Second\n",
            "[gitweb \"sub\"]\n\towner = Subsection\n",
            "[gitweb]\n\towner = line \\\n continued\n",
            "[gitweb]\n\towner = tab\\there # trailing comment\n",
            "[remote \"origin\"]\n\turl = x\n",
        ]
        for (index, text) in cases.enumerated() {
            let path = dir.file("c\(index).config")
            dir.write("c\(index).config", text)
            let gitSays = try shell("git config -f '\(path)' -z --get-regexp 'gitweb\\..*' || true")
            let expected = RepoInfoReader.ownerFromGitConfigListing(Array(gitSays.utf8))
            let parsed = try #require(GitConfigFile(Array(text.utf8)), "parse \(text)")
            #expect(parsed.gitwebOwner?.value == expected, "\(text)")
        }
        #expect(GitConfigFile(Array("[include]\npath = x\n".utf8)) == nil)
        #expect(GitConfigFile(Array("[includeIf \"gitdir:/x\"]\npath = x\n".utf8)) == nil)
    }

    @Test func pathHelpersMatchPython() throws {
        #expect(PathUtilities.normalize("/a//b/./c/../d/") == "/a/b/d")
        #expect(PathUtilities.normalize("/../a") == "/a")
        #expect(PathUtilities.relative("/srv/git/pub/a.git", to: "/srv/git") == "pub/a.git")
        #expect(PathUtilities.relative("/srv/other", to: "/srv/git") == "../other")
        try shell("cd '\(dir.path)' && mkdir -p real/x && ln -s real link && ln -s /nonexistent-target dangling")
        #expect(PathUtilities.realpath(dir.file("link/x")) == dir.file("real/x"))
        #expect(PathUtilities.realpath(dir.file("link/x/..")) == dir.file("real"))
        #expect(PathUtilities.realpath(dir.file("link/not/there")) == dir.file("real/not/there"))
        #expect(PathUtilities.realpath(dir.file("dangling/y")) == "/nonexistent-target/y")
        #expect(Gitdir.of(fullpath: "/srv/git/pub/a.git", toplevel: "/srv/git") == "/pub/a.git")
        #expect(Gitdir.of(fullpath: "/srv/git/../etc", toplevel: "/srv/git") == nil)
        #expect(Gitdir.of(fullpath: "/srv/gitother/a.git", toplevel: "/srv/git") == nil)
        #expect(Gitdir.of(fullpath: "/srv/git", toplevel: "/srv/git") == nil)
    }

    @Test func globsAreFnmatchStyle() {
        #expect(Glob("*/private/*").matches("/srv/git/private/a.git"))
        #expect(Glob("/pub/*").matches("/pub/deep/er/x.git"))
        #expect(Glob("refs/meta/*").matches("refs/meta/config"))
        #expect(!Glob("refs/meta/*").matches("refs/heads/meta"))
        #expect(Glob("[!a]*").matches("b"))
        #expect(Glob("a\\b").matches("a\\b"))
    }
}

@Suite struct UnfinishedInitializationTests {
    let dir = TemporaryDirectory()

    @Test func recognisesOnlyWhatGitInitLeaves() throws {
        try shell("""
            cd '\(dir.path)'
            mkdir -p partial/hooks partial/info && touch partial/description partial/config.lock
            mkdir empty
            mkdir -p foreign/hooks && touch foreign/notes.txt
            git init -q --bare complete.git
            """)
        #expect(BareRepository.isUnfinishedInitialization(dir.file("partial")))
        #expect(BareRepository.isUnfinishedInitialization(dir.file("empty")))
        #expect(!BareRepository.isUnfinishedInitialization(dir.file("foreign")))
        #expect(!BareRepository.isUnfinishedInitialization(dir.file("complete.git")))
        #expect(!BareRepository.isUnfinishedInitialization(dir.file("missing")))
    }
}
