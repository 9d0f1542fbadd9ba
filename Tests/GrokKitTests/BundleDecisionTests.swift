import Testing
@testable import GrokKit

/// grok-bundle's pure decisions: where a repository's bundle goes, which
/// repositories a run selects or refuses, and when a bundle is remade.
@Suite struct BundleDecisionTests {
    @Test func bundleDirectoryIsTheGitdirWithoutItsTrailingGit() throws {
        let layout = try #require(BundleLayout(gitdir: "/pub/scm/git/git.git"))
        #expect(layout.directory == "/pub/scm/git/git")
        #expect(layout.bundlePath(in: "/srv/bundles") == "/srv/bundles/pub/scm/git/git/clone.bundle")
        #expect(layout.fingerprintPath(in: "/srv/bundles") == "/srv/bundles/pub/scm/git/git/.fingerprint")
        #expect(BundleLayout(gitdir: "/pub/site.github.io.git")?.directory == "/pub/site.github.io", "only the suffix goes")
        #expect(BundleLayout(gitdir: "/pub/plain")?.directory == "/pub/plain", "no suffix, nothing removed")
        #expect(BundleLayout(gitdir: "pub/x.git")?.directory == "/pub/x", "a key without its slash reads as grokmirror reads it")
        #expect(BundleLayout(gitdir: "pub/x.git")?.gitdir == "/pub/x.git")
    }

    @Test func gitdirsThatWouldLeaveTheOutputDirectoryHaveNoLayout() {
        for hostile: Gitdir in ["/../escape.git", "/pub/../../escape.git", "/pub/./x.git", "//etc/x.git", "/pub//x.git",
                                "/.git", "/pub/.git", "/", "", "/pub/x.git/", "/pub/\u{1}x.git", "/..", "../x.git"] {
            #expect(BundleLayout(gitdir: hostile) == nil, "\(hostile)")
        }
    }

    @Test func planSelectsByGlobsInManifestOrderAndRefusesCollisionsAndHostileKeys() {
        let gitdirs: [Gitdir] = ["/pub/b.git", "/pub/a.git", "/other/c.git", "/pub/a", "/pub/../x.git"]
        let plan = BundlePlan(gitdirs: gitdirs, include: [Glob("/pub/*")])
        #expect(plan.targets.map(\.gitdir) == ["/pub/b.git", "/pub/a.git"])
        #expect(plan.excluded == ["/other/c.git"])
        #expect(plan.refused == [.sameDirectory("/pub/a", as: "/pub/a.git"), .unsafeGitdir("/pub/../x.git")])
        #expect(plan.refused.map(\.gitdir) == ["/pub/a", "/pub/../x.git"])
        #expect(plan.refused[1].description.contains("/pub/../x.git"))
        let everything = BundlePlan(gitdirs: ["/pub/b.git", "/other/c.git"], include: [Glob("*")])
        #expect(everything.targets.count == 2 && everything.excluded.isEmpty)
        #expect(BundlePlan(gitdirs: gitdirs, include: []).targets.isEmpty, "`-i` without globs selects nothing, as in grokmirror")
    }

    @Test func includeGlobsMatchAsGrokmirrorsAndAlsoWithoutTheLeadingSlash() {
        let gitdir: Gitdir = "/pub/project1/repo1.git"
        #expect(BundlePlan.isIncluded(gitdir, by: [Glob("/pub/project1/*")]))
        #expect(BundlePlan.isIncluded(gitdir, by: [Glob("*repo1*")]))
        #expect(BundlePlan.isIncluded("/pub/x.git", by: [Glob("/?pub/x.git")]), "grokmirror also tries the glob without its leading slashes")
        #expect(BundlePlan.isIncluded(gitdir, by: [Glob("//pub/project1/*")]), "leading slashes do not count")
        #expect(BundlePlan.isIncluded(gitdir, by: [Glob("pub/project1/*")]), "grokmirror never matched this; users expect it to")
        #expect(BundlePlan.isIncluded(gitdir, by: [Glob("/nothing/*"), Glob("*1.git")]), "any glob of the list")
        #expect(!BundlePlan.isIncluded(gitdir, by: [Glob("/pub/project2/*")]))
        #expect(!BundlePlan.isIncluded(gitdir, by: [Glob("project1/*")]))
    }

    func facts(_ fingerprint: String?, bundle: Bool = true, stored: String? = nil, exists: Bool = true) -> BundleDecision.Facts {
        var facts = BundleDecision.Facts(fingerprint: fingerprint)
        facts.bundleExists = bundle
        facts.storedFingerprint = stored
        facts.repositoryExists = exists
        return facts
    }

    @Test func anExistingBundleWithTheSameFingerprintIsUnchangedAndAnythingElseIsMeasured() {
        let fingerprint = String(repeating: "a", count: 40)
        #expect(BundleDecision.beforeSize(facts(fingerprint, stored: fingerprint)) == .skip(.unchanged))
        #expect(BundleDecision.beforeSize(facts(fingerprint, stored: String(repeating: "b", count: 40))) == nil, "refs moved")
        #expect(BundleDecision.beforeSize(facts(fingerprint, stored: nil)) == nil, "no .fingerprint: a killed run's bundle")
        #expect(BundleDecision.beforeSize(facts(fingerprint, bundle: false, stored: fingerprint)) == nil, "fingerprint without bundle")
        #expect(BundleDecision.beforeSize(facts(nil, stored: fingerprint)) == .skip(.noRefs))
        #expect(BundleDecision.beforeSize(facts(fingerprint, exists: false)) == .fail("the repository is missing"))
    }

    @Test func sizeLimitIsInGibibytesOfKibibytesAndOnlyStrictlyGreaterSkips() {
        #expect(BundleDecision.bySize(sizeKiB: 2 * 1_048_576, limitGiB: 2) == .generate, "exactly the limit is bundled")
        #expect(BundleDecision.bySize(sizeKiB: 2 * 1_048_576 + 1, limitGiB: 2) == .skip(.tooLarge(sizeKiB: 2 * 1_048_576 + 1, limitGiB: 2)))
        #expect(BundleDecision.bySize(sizeKiB: 1, limitGiB: 0) == .skip(.tooLarge(sizeKiB: 1, limitGiB: 0)))
        #expect(BundleDecision.bySize(sizeKiB: 0, limitGiB: 0) == .generate)
        #expect(BundleDecision.bySize(sizeKiB: 5, limitGiB: -1) == .skip(.tooLarge(sizeKiB: 5, limitGiB: -1)))
        #expect(BundleDecision.bySize(sizeKiB: Int.max, limitGiB: Int.max) == .generate, "no overflow trap")
        #expect(BundleDecision.bySize(sizeKiB: 1, limitGiB: Int.min) == .skip(.tooLarge(sizeKiB: 1, limitGiB: Int.min)))
        #expect(BundleDecision.Skip.tooLarge(sizeKiB: 3 * 1_048_576, limitGiB: 2).description == "3.00 GiB > 2 GiB")
    }

    @Test func emptyGitArgumentsMeanNoneAndEmptyRevListArgumentsTheDefault() {
        var options = BundleOptions(configPath: "/etc/grokmirror/bundle.conf", outdir: "/srv/bundles")
        #expect(options.gitArguments == ["-c", "core.compression=9"])
        #expect(options.revListArguments == ["--branches", "HEAD"])
        options.setGitArguments("")
        options.setRevListArguments(" \t")
        #expect(options.gitArguments == [])
        #expect(options.revListArguments == ["--branches", "HEAD"])
        options.setGitArguments(" -c  pack.threads=1\t-c core.compression=0 ")
        options.setRevListArguments("--all")
        #expect(options.gitArguments == ["-c", "pack.threads=1", "-c", "core.compression=0"])
        #expect(options.revListArguments == ["--all"])
    }

    @Test func onlyAFileStartingAsABundleIsPublished() {
        #expect(BundleWriter.isBundleHeader(Array("# v2 git bundle\n".utf8)))
        #expect(BundleWriter.isBundleHeader(Array("# v3 git bundle\n".utf8)))
        #expect(!BundleWriter.isBundleHeader(Array("# v4 git bundle\n".utf8)))
        #expect(!BundleWriter.isBundleHeader([UInt8](repeating: 0, count: 16)))
    }
}
