import Foundation
import Testing
import TestSupport
@testable import GrokKit

/// The one rule every destructive step follows (issue 15.3).
@Suite struct RepositoryDeletionTests {
    typealias Observed = RepositoryDeletion.Observed

    @Test func onlyBareRepositoriesAndSymlinksMayGo() {
        for purpose in [RepositoryDeletion.Purpose.purge, .reclone] {
            #expect(RepositoryDeletion.refusal(Observed(kind: .missing), for: purpose) == nil)
            #expect(RepositoryDeletion.refusal(Observed(kind: .symlink), for: purpose) == nil)
            #expect(RepositoryDeletion.refusal(Observed(kind: .other, hasMirrorRemote: true), for: purpose)?.contains("not a bare repository") == true)
        }
        #expect(RepositoryDeletion.refusal(Observed(kind: .symlink), for: .objectStore)?.contains("symlink") == true)
    }

    @Test func aRepositoryHoldingOthersIsNeverDeleted() {
        let holder = Observed(kind: .bareRepository, hasMirrorRemote: true, holdsRepositories: true, isObjectStore: true)
        for purpose in [RepositoryDeletion.Purpose.purge, .reclone, .objectStore] {
            #expect(RepositoryDeletion.refusal(holder, for: purpose) == "other repositories lie below it")
        }
    }

    @Test func eachStepDeletesOnlyItsOwnKind() {
        let mirrored = Observed(kind: .bareRepository, hasMirrorRemote: true)
        let foreign = Observed(kind: .bareRepository)
        let store = Observed(kind: .bareRepository, isObjectStore: true)
        #expect(RepositoryDeletion.refusal(mirrored, for: .purge) == nil)
        #expect(RepositoryDeletion.refusal(foreign, for: .purge)?.contains("did not clone it") == true)
        #expect(RepositoryDeletion.refusal(foreign, for: .reclone) == nil, "a reclone repairs a repository whose config may be broken")
        #expect(RepositoryDeletion.refusal(store, for: .purge)?.contains("objstore") == true)
        #expect(RepositoryDeletion.refusal(store, for: .reclone)?.contains("objstore") == true)
        #expect(RepositoryDeletion.refusal(store, for: .objectStore) == nil)
        #expect(RepositoryDeletion.refusal(mirrored, for: .objectStore)?.contains(MarkerFile.objstore) == true)
    }

    /// Deleting a lender would lose every object its borrowers read
    /// through their alternates: no step deletes one, whatever else holds,
    /// and the reason names the borrowers (a few, and how many more).
    @Test func aRepositoryOthersBorrowFromIsNeverDeleted() {
        let lender = Observed(kind: .bareRepository, hasMirrorRemote: true, borrowers: ["/m/b.git"])
        for purpose in [RepositoryDeletion.Purpose.purge, .reclone] {
            #expect(RepositoryDeletion.refusal(lender, for: purpose) == "other repositories borrow objects from it (/m/b.git)")
        }
        let store = Observed(kind: .bareRepository, isObjectStore: true, borrowers: ["/m/b.git"])
        #expect(RepositoryDeletion.refusal(store, for: .objectStore)?.hasPrefix(RepositoryDeletion.lendsObjects) == true)
        let many = Observed(kind: .bareRepository, borrowers: (1...5).map { "/m/\($0).git" })
        #expect(RepositoryDeletion.refusal(many, for: .reclone) == RepositoryDeletion.lendsObjects + " (/m/1.git, /m/2.git, /m/3.git and 2 more)")
        // Without borrowers, the same repository may go.
        #expect(RepositoryDeletion.refusal(Observed(kind: .bareRepository, hasMirrorRemote: true), for: .reclone) == nil)
    }

    /// What could not be seen (below the repository, or anywhere the
    /// borrower scan looked) blocks every deletion; a reclone's leftover
    /// must carry the reclone request the repository moved aside had.
    @Test func whatCannotBeSeenBlocksAndLeftoversMustBeProven() {
        var hidden = Observed(kind: .bareRepository, hasMirrorRemote: true, isObjectStore: false)
        hidden.unseen = "/m/p\u{FFFD}rso"
        hidden.hasRecloneMarker = true
        for purpose in [RepositoryDeletion.Purpose.purge, .reclone, .recloneLeftover] {
            #expect(RepositoryDeletion.refusal(hidden, for: purpose)?.contains("cannot be looked into") == true, "\(purpose)")
        }
        var listed = Observed(kind: .bareRepository, hasMirrorRemote: true)
        #expect(RepositoryDeletion.refusal(listed, for: .recloneLeftover)?.contains("grokmirror.reclone") == true)
        listed.hasRecloneMarker = true
        #expect(RepositoryDeletion.refusal(listed, for: .recloneLeftover) == nil)
        #expect(RepositoryDeletion.refusal(Observed(kind: .symlink), for: .recloneLeftover) == nil, "a link is only unlinked")
    }

    /// The borrowers come from a `BorrowerMap` scan of toplevel and the
    /// objstore directory, through absolute or relative alternates, looked
    /// up by the repository's realpath.
    @Test func observingFindsTheBorrowers() throws {
        let dir = TemporaryDirectory()
        try shell("""
            set -e; cd '\(dir.path)'
            git init -q --bare top/a.git && git init -q --bare top/sub/b.git && git init -q --bare top/c.git
            git init -q --bare top/alone.git
            echo '../../../a.git/objects' > top/sub/b.git/objects/info/alternates
            echo "$PWD/top/a.git/objects" > top/c.git/objects/info/alternates
            git init -q --bare objstore/s.git && echo '../../../top/a.git/objects' > objstore/s.git/objects/info/alternates
            """)
        let lenders = BorrowerMap.scan(toplevel: dir.file("top"), objstore: dir.file("objstore"))
        let top = PathUtilities.realpath(dir.file("top"))
        let objstore = PathUtilities.realpath(dir.file("objstore"))
        #expect(Observed.at(dir.file("top/a.git"), lenders: lenders).borrowers == [objstore + "/s.git", top + "/c.git", top + "/sub/b.git"])
        #expect(Observed.at(dir.file("top/alone.git"), lenders: lenders).borrowers.isEmpty)
        #expect(Observed.at(dir.file("top/a.git")).borrowers.isEmpty, "no scan, no borrowers")
    }

    @Test func observingTellsTheKinds() throws {
        let dir = TemporaryDirectory()
        try shell("""
            set -e; cd '\(dir.path)'
            git init -q --bare mirrored.git && git --git-dir=mirrored.git remote add _grokmirror https://example.org/x
            git init -q --bare foreign.git
            git init -q --bare holder.git && git init -q --bare holder.git/nested/inner.git
            mkdir plain && echo x > plain/file && ln -s mirrored.git link
            """)
        let mirrored = Observed.at(dir.file("mirrored.git"), remoteName: "_grokmirror")
        #expect(mirrored == Observed(kind: .bareRepository, hasMirrorRemote: true))
        #expect(Observed.at(dir.file("foreign.git"), remoteName: "_grokmirror") == Observed(kind: .bareRepository))
        #expect(Observed.at(dir.file("holder.git")).holdsRepositories)
        #expect(Observed.at(dir.file("plain")) == Observed(kind: .other))
        #expect(Observed.at(dir.file("plain/file")) == Observed(kind: .other))
        #expect(Observed.at(dir.file("link")) == Observed(kind: .symlink))
        #expect(Observed.at(dir.file("gone")) == Observed(kind: .missing))
    }

    /// The common primitive refuses anything but a symlink or a bare
    /// repository, deleting nothing; a link is unlinked, never followed.
    @Test func containedRemoveRefusesWhatIsNotARepository() throws {
        let dir = TemporaryDirectory()
        try shell("""
            set -e; cd '\(dir.path)'
            mkdir plain && echo x > plain/file && echo y > file
            git init -q --bare repo.git && ln -s repo.git link
            """)
        for name in ["plain", "file"] {
            #expect(throws: ContainedPath.Refusal.self) { try ContainedPath(toplevel: dir.path, gitdir: Gitdir("/" + name)).remove() }
            #expect(FileSystem.exists(dir.file(name)))
        }
        try ContainedPath(toplevel: dir.path, gitdir: "/link").remove()
        #expect(FileSystem.kind(dir.file("link")) == .missing && BareRepository.isBare(dir.file("repo.git")))
        try ContainedPath(toplevel: dir.path, gitdir: "/repo.git").remove()
        #expect(FileSystem.kind(dir.file("repo.git")) == .missing)
    }

    /// Names that are not UTF-8 (no Swift string spells them) are removed
    /// with the rest, and a symlink inside is unlinked, never followed.
    @Test func removalTakesNamesThatAreNotUTF8AndFollowsNoLink() throws {
        let dir = TemporaryDirectory()
        try shell(#"""
            set -e; cd '\#(dir.path)'
            mkdir outside && echo keep > outside/file
            git init -q --bare repo.git
            printf x > "repo.git/$(printf 'caf\351')"
            mkdir "repo.git/objects/$(printf '\377')" && printf y > "repo.git/objects/$(printf '\377')/$(printf '\376')"
            ln -s ../outside repo.git/refs/link
            """#)
        try ContainedPath(toplevel: dir.path, gitdir: "/repo.git").remove()
        let left = try shell("ls -R '\(dir.path)'")
        #expect(FileSystem.kind(dir.file("repo.git")) == .missing, "nothing left: \(left)")
        #expect(FileSystem.isFile(dir.file("outside/file")))
    }
}
