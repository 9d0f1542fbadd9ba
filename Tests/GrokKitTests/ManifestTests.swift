import Testing
import TestSupport
@testable import GrokKit

@Suite struct ManifestTests {
    let sample = #"{"/pub/a.git": {"modified": 1600000000, "fingerprint": "abc", "head": "ref: refs/heads/master", "description": "caf\u00e9 \"quoted\"\n", "reference": null, "x-custom": {"nested": [1, 2.5, true]}, "symlinks": ["/pub/b.git"]}, "/pub/c.git": {"modified": 1, "fingerprint": "def", "head": null, "reference": "/pub/a.git"}}"#

    @Test func compactRoundTripIsByteIdenticalToPythonJsonDumps() throws {
        let manifest = try Manifest.decode(Array(sample.utf8))
        #expect(manifest.gitdirs == ["/pub/a.git", "/pub/c.git"])
        #expect(String(decoding: manifest.encode(pretty: false), as: UTF8.self) == sample)
    }

    @Test func keepsUnknownKeysThroughUpdates() throws {
        var manifest = try Manifest.decode(Array(sample.utf8))
        var entry = manifest["/pub/a.git"]!
        entry.fingerprint = "new"
        manifest["/pub/a.git"] = entry
        let reread = try Manifest.decode(manifest.encode(pretty: false))
        #expect(reread["/pub/a.git"]?.object["x-custom"] == .object(JSONObject([("nested", .array([.number("1"), .number("2.5"), .bool(true)]))])))
        #expect(reread["/pub/a.git"]?.fingerprint == "new")
        #expect(reread["/pub/a.git"]?.description == "café \"quoted\"\n")
        #expect(reread["/pub/a.git"]?.symlinks == ["/pub/b.git"])
    }

    @Test func prettyIsIndentTwoWithSortedKeys() throws {
        let manifest = try Manifest.decode(Array(#"{"/z.git": {"modified": 2, "fingerprint": "f", "reference": null, "symlinks": []}, "/a.git": {}}"#.utf8))
        let expected = """
            {
              "/a.git": {},
              "/z.git": {
                "fingerprint": "f",
                "modified": 2,
                "reference": null,
                "symlinks": []
              }
            }
            """
        #expect(String(decoding: manifest.encode(pretty: true), as: UTF8.self) == expected)
    }

    @Test func gzipAndPlainFilesRoundTrip() throws {
        let dir = TemporaryDirectory()
        let manifest = try Manifest.decode(Array(sample.utf8))
        for name in ["manifest.js.gz", "manifest.js"] {
            let file = ManifestFile(path: dir.file(name))
            try file.write(manifest, pretty: name.hasSuffix(".js"))
            let raw = FileSystem.read(file.path)!
            #expect(Gzip.looksCompressed(raw) == file.isCompressed)
            #expect(try file.read() == manifest)
        }
        #expect(try shell("gzip -dc '\(dir.file("manifest.js.gz"))'") == sample)
    }

    @Test func writeIsAtomicWithUmaskModeAndNoLeftovers() throws {
        let dir = TemporaryDirectory()
        let file = ManifestFile(path: dir.file("manifest.js.gz"))
        dir.write(".manifest.js.gz.tmp.99999", "left by a killed writer")
        try file.write(Manifest(), pretty: false)
        #expect(FileSystem.listDirectory(dir.path)!.sorted() == ["manifest.js.gz"])
        let mode = try shell("stat -c %a '\(file.path)'").trimmingCharacters(in: .whitespacesAndNewlines)
        let umask = FileSystem.currentUmask()
        #expect(mode == String(0o666 & ~umask, radix: 8))
    }

    @Test func missingFileIsEmptyAndGarbageIsAnError() throws {
        let dir = TemporaryDirectory()
        #expect(try ManifestFile(path: dir.file("none.js")).read().isEmpty)
        for (name, content) in [("empty.js", ""), ("trunc.js", "{\"/a.git\": {\"fin"), ("list.js", "[1, 2]"), ("bad-entry.js", "{\"/a.git\": 5}")] {
            dir.write(name, content)
            #expect(throws: ManifestFile.ReadError.self) { try ManifestFile(path: dir.file(name)).read() }
        }
        let truncatedGzip = Array(Gzip.compress(Array(sample.utf8)).prefix(20))
        #expect(throws: ManifestFile.ReadError.self) { try ManifestFile.decode(truncatedGzip, source: "test") }
    }

    @Test func gzipBombIsRefused() throws {
        let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 8 << 20))
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(bomb, limit: 1 << 20) }
        #expect(try Gzip.decompress(bomb, limit: 16 << 20).count == 8 << 20)
    }

    @Test func jsonParserRejectsMalformedInput() throws {
        for bad in ["", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "nul", "\"\\x\"", "01", "1.", "{\"a\":1} x", "\"\u{01}\""] {
            #expect(throws: JSONParser.Error.self, "\(bad)") { try JSONParser.parse(Array(bad.utf8)) }
        }
        #expect(try JSONParser.parse(Array(#""\ud83d\ude00""#.utf8)) == .string("😀"))
        #expect(JSONWriter.serialize(.string("😀\u{7f}\u{01}"), style: .compact) == Array(#""\ud83d\ude00\#u{7f}\u0001""#.utf8))
    }

    @Test func updateWritesUnderTheLockOnlyWhatChanged() async throws {
        let dir = TemporaryDirectory()
        let file = ManifestFile(path: dir.file("manifest.js"))
        let unchanged = try await file.update(pretty: false) { _ in false }
        #expect(unchanged.isEmpty && !file.exists, "a change that says no writes nothing, not even an empty manifest")
        let probe = "python3 -c 'import fcntl,sys; f=open(sys.argv[1],\"w\"); fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)' '\(FileLock.lockPath(for: file.path))'"
        var lockedWhenWritten = false
        let changed = try await file.update(pretty: false) { manifest in
            manifest[Gitdir("/a.git")] = ManifestEntry()
            return true
        } written: { manifest in
            lockedWhenWritten = file.exists && (try? shell(probe)) == nil
        }
        #expect(changed.count == 1)
        #expect(try file.read() == changed)
        #expect(lockedWhenWritten)
        try shell(probe)
    }

    @Test func updateStopsAtTheStepThatFailed() async throws {
        struct GaveUp: Error {}
        let dir = TemporaryDirectory()
        let file = ManifestFile(path: dir.file("manifest.js"))
        dir.write("manifest.js", "{\"/a.git\": {\"fin")
        do {
            _ = try await file.update(pretty: false) { _ in true }
            Issue.record("a torn manifest was read")
        } catch {
            guard case .read(.undecodable) = error else { Issue.record("\(error)"); return }
        }
        #expect(FileSystem.read(file.path) == Array("{\"/a.git\": {\"fin".utf8))
        let afresh = try await file.update(pretty: false, read: { (file) throws(ManifestFile.ReadError) in try file.readForRewrite() }) { _ in true }
        #expect(afresh.isEmpty)
        #expect(try file.read().isEmpty, "readForRewrite starts a torn manifest afresh")
        do {
            _ = try await file.update(pretty: false) { (manifest) throws(GaveUp) -> Bool in
                manifest[Gitdir("/a.git")] = ManifestEntry()
                throw GaveUp()
            }
            Issue.record("the change's failure was lost")
        } catch {
            guard case .change = error else { Issue.record("\(error)"); return }
        }
        #expect(try file.read().isEmpty, "a change that gave up is not written")
    }

    @Test func lockExcludesASecondHolder() throws {
        let dir = TemporaryDirectory()
        let target = dir.file("manifest.js.gz")
        let held = try FileLock.acquire(for: target)
        #expect(FileSystem.exists(dir.file(".manifest.js.gz.lock")))
        // lockf locks are per process, so probe from another process.
        let probe = "python3 -c 'import fcntl,sys; f=open(sys.argv[1],\"w\"); fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)' '\(held.path)'"
        #expect(throws: ShellError.self) { try shell(probe) }
        held.release()
        try shell(probe)
    }

    /// A stop request ends the decoding of a huge remote manifest; a read
    /// that saves work is never cut short.
    @Test func aCancelledTaskStopsAnInterruptibleDecodeOnly() async {
        var json = "{"
        for index in 0..<10_000 { json += (index == 0 ? "" : ", ") + "\"/r\(index).git\": {\"modified\": 1}" }
        let bytes = Array((json + "}").utf8)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            let interrupted: Bool
            do { _ = try Manifest.decode(bytes, interruptible: true); interrupted = false } catch {
                interrupted = "\(error)".contains("interrupted")
            }
            return (interrupted, (try? Manifest.decode(bytes))?.count)
        }
        let outcome = await task.value
        #expect(outcome.0, "the interruptible decode stopped")
        #expect(outcome.1 == 10_000, "the other decode finished")
    }
}
