import Foundation
import Testing
import TestSupport
@testable import GrokKit

/// Gitdirs are bounded (depth, bytes, component bytes), and the paths
/// grok-pull resolves and creates cost time linear in their depth.
struct GitdirBoundsTests {
    @Test func depthAndLengthBounds() {
        let deepest = String(repeating: "/d", count: Gitdir.maximumDepth - 1) + "/x.git"
        #expect(Gitdir(deepest).isClean)
        #expect(!Gitdir("/d" + deepest).isClean)
        #expect(Gitdir("/" + String(repeating: "n", count: 255)).isClean)
        #expect(!Gitdir("/" + String(repeating: "n", count: 256)).isClean)
        let long = String(repeating: "/" + String(repeating: "n", count: 200), count: 20)
        #expect(long.utf8.count == 4020 && Gitdir(long).isClean)
        #expect(!Gitdir(long + "/" + String(repeating: "n", count: 80)).isClean)
    }

    /// Below a missing directory no lookup is made, but a `..` climbing
    /// back out of it resolves symlinks again, as Python's realpath does.
    @Test func realpathOfMissingPathsKeepsPythonSemantics() {
        let dir = TemporaryDirectory()
        mkdir(dir.file("target"), 0o777)
        symlink(dir.file("target"), dir.file("link"))
        #expect(PathUtilities.realpath(dir.path + "/missing/a/b") == dir.path + "/missing/a/b")
        #expect(PathUtilities.realpath(dir.path + "/link/missing/x") == dir.path + "/target/missing/x")
        #expect(PathUtilities.realpath(dir.path + "/missing/../link/x") == dir.path + "/target/x")
        let deep = dir.path + String(repeating: "/d", count: 1900) + "/x.git"
        #expect(PathUtilities.realpath(deep) == deep)
    }

    /// The deepest allowed gitdir is created level by level, each checked.
    @Test func createParentsOfTheDeepestGitdir() throws {
        let dir = TemporaryDirectory()
        let gitdir = String(repeating: "/d", count: Gitdir.maximumDepth - 1) + "/x.git"
        let path = try ContainedPath(toplevel: dir.path, gitdir: Gitdir(gitdir))
        try path.createParents()
        #expect(FileSystem.isDirectory(PathUtilities.dirname(path.path)))
        symlink("/tmp", dir.path + "/escape")
        #expect(throws: ContainedPath.Escape.self) { try ContainedPath(toplevel: dir.path, gitdir: "/escape/new/x.git").createParents() }
    }
}
