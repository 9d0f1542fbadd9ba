import Foundation
import Testing
import TestSupport
import GrokKit

/// Issue 15.3: grok-fsck deletes only unused objstore repositories, and
/// exactly the one it found.
@Suite struct FsckDeletionSafetyTests {
    /// An unused objstore repository in a subdirectory of the objstore
    /// directory is deleted where it is; a same-named repository without the
    /// telltale at the top of the objstore directory is never touched.
    @Test func onlyTheUnusedObjectStoreRepositoryItselfIsDeleted() throws {
        let fixture = try FsckFixture(repos: 2)
        let objstore = fixture.toplevel + "/objstore"
        try shell("""
            set -e
            git init -q --bare '\(objstore)/group.git'
            echo keep > '\(objstore)/group.git/notes.txt'
            git init -q --bare '\(objstore)/sub/group.git'
            touch '\(objstore)/sub/group.git/grokmirror.objstore'
            """)
        let run = try fixture.runFsck()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileSystem.exists(objstore + "/group.git/notes.txt"), "\(fixture.log)")
        #expect(fixture.log.contains("group.git: nothing borrows from it, but it has no grokmirror.objstore file"), "\(fixture.log)")
        #expect(!FileSystem.exists(objstore + "/sub/group.git"), "\(fixture.log)")
    }
}
