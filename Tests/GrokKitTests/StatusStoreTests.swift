import Logging
import Testing
import TestSupport
@testable import GrokKit

/// The status store on a real SQLite file: what the writers record is what
/// a read-only reader sees, histories stay bounded, and a reader opens the
/// database after the writer is gone without writing to it.
@Suite struct StatusStoreTests {
    let dir = TemporaryDirectory()
    var path: String { dir.file(".manifest.js.gz.status.sqlite") }

    private func writer(history: Int = 50) throws -> StatusStore {
        try #require(StatusStore.openForWriting(path: path, historyLimit: history, logger: Logger(label: "test")))
    }

    /// The one-pass read grok-serve builds from: each repository with its
    /// own pushes, in byte order, whatever order they were written in;
    /// a push of a gitdir with no repository row is left out.
    @Test func eachRepositoryComesWithItsOwnPushes() throws {
        let store = try writer()
        for gitdir in ["/z.git", "/a.git", "/a.git.old", "/\u{e9}.git", "/b.git"] { store.started(Gitdir(gitdir), at: 1) }
        store.pushed("/b.git", destination: "y", error: nil, at: 2)
        store.pushed("/a.git.old", destination: "x", error: "down", at: 2)
        store.pushed("/a.git", destination: "y", error: nil, at: 2)
        store.pushed("/a.git", destination: "x", error: nil, at: 2)
        store.pushed("/orphan.git", destination: "x", error: nil, at: 2)
        store.pushed("/zz.git", destination: "x", error: nil, at: 2)
        var seen: [String] = []
        try StatusStore.openForReading(path: path).forEachRepository { status, pushes in
            #expect(pushes.allSatisfy { $0.gitdir == status.gitdir })
            seen.append(status.gitdir.path + ":" + pushes.map(\.destination).joined(separator: ","))
        }
        #expect(seen == ["/a.git:x,y", "/a.git.old:x", "/b.git:y", "/z.git:", "/\u{e9}.git:"])
    }

    @Test func whatIsRecordedIsWhatIsRead() throws {
        let store = try writer()
        store.behind(["/a.git", "/b.git"], at: 100)
        store.behind(["/a.git"], at: 150)
        store.started("/a.git", at: 200)
        store.succeeded("/a.git", kind: "fetched", fetchSeconds: 1.5, at: 201)
        store.started("/b.git", at: 202)
        store.failed("/b.git", error: "fetch failed after 3 tries: timeout", at: 203)
        store.failed("/b.git", error: "again", at: 300)
        store.pushed("/a.git", destination: "github", error: nil, at: 204)
        store.pushed("/a.git", destination: "site", error: "failed after 3 tries: down", at: 205)
        store.heartbeat("pull", at: 206)
        store.manifestChecked(error: nil, at: 207)
        store.manifestChecked(error: "HTTP 500", at: 208)
        let snapshot = try StatusStore.openForReading(path: path).snapshot()
        let (a, b) = (snapshot.repositories[0], snapshot.repositories[1])
        #expect(a.gitdir == "/a.git" && a.lastSuccess == 201 && a.behindSince == nil && a.fetchSeconds == 1.5 && a.consecutiveFailures == 0)
        #expect(b.gitdir == "/b.git" && b.behindSince == 100 && b.consecutiveFailures == 2 && b.failingSince == 203 && b.lastError == "again")
        #expect(snapshot.pushes.map(\.destination) == ["github", "site"])
        #expect(snapshot.pushes[0].lastSuccess == 204 && snapshot.pushes[1].lastError == "failed after 3 tries: down")
        #expect(snapshot.heartbeats == ["pull": 206])
        #expect(snapshot.lastManifestCheck == 208 && snapshot.lastSuccessfulManifestCheck == 207 && snapshot.manifestCheckError == "HTTP 500")
        let history = try StatusStore.openForReading(path: path).history("/a.git")
        #expect(history.map(\.kind) == ["push failed", "pushed", "fetched"])
        store.succeeded("/b.git", kind: "fetched", fetchSeconds: nil, at: 400)
        let recovered = try StatusStore.openForReading(path: path).snapshot().repositories[1]
        #expect(recovered.consecutiveFailures == 0 && recovered.failingSince == nil && recovered.behindSince == nil && recovered.lastError == "again")
    }

    @Test func historiesAreBoundedAndPurgedRepositoriesForgotten() throws {
        let store = try writer(history: 5)
        for index in 0..<20 { store.failed("/a.git", error: "try \(index)", at: Double(index)) }
        store.failed("/b.git", error: "only", at: 1)
        let reader = try StatusStore.openForReading(path: path)
        #expect(try reader.history("/a.git").map(\.detail) == ["try 19", "try 18", "try 17", "try 16", "try 15"])
        #expect(try reader.history("/b.git").count == 1)
        store.forget(["/a.git"])
        #expect(try reader.snapshot().repositories.map(\.gitdir) == ["/b.git"])
        #expect(try reader.history("/a.git").isEmpty)
    }

    @Test func aReaderOpensWithoutWritingOnceTheWriterIsGone() throws {
        do {
            let store = try writer()
            store.failed("/a.git", error: "x")
        }
        #expect(FileSystem.exists(path + "-wal") && FileSystem.exists(path + "-shm"), "kept for read-only readers")
        try shell("chmod a-w '\(dir.path)'")
        defer { _ = try? shell("chmod u+w '\(dir.path)'") }
        #expect(try StatusStore.openForReading(path: path).snapshot().repositories.count == 1)
        #expect(throws: SQLiteDatabase.Error.self) { try StatusStore.openForReading(path: dir.file("missing.sqlite")) }
    }
}
