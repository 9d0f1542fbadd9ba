import Foundation
import Glibc
import Testing
import TestSupport
@testable import GrokKit

@Suite struct ArchiveCacheTests {
    let dir = TemporaryDirectory()

    func key(_ digit: Character, _ format: ArchiveFormat = .tarGz) -> String {
        ArchiveCache.key(commit: String(repeating: digit, count: 40), format: format)
    }

    func put(_ cache: ArchiveCache, _ key: String, _ size: Int, byte: UInt8 = 7) throws {
        let writer = try #require(cache.writer(for: key))
        writer.write([UInt8](repeating: byte, count: size / 2))
        writer.write([UInt8](repeating: byte, count: size - size / 2))
        writer.finish()
    }

    func files(_ cache: ArchiveCache) -> Set<String> { Set(FileSystem.listDirectory(cache.directory) ?? []) }

    func read(_ cache: ArchiveCache, _ key: String) async throws -> [UInt8]? {
        guard let file = cache.open(key) else { return nil }
        var bytes: [UInt8] = []
        try await file.stream(chunkSize: 7) { bytes += $0 }
        return bytes
    }

    @Test func finishedArchivesAreKeptAndServed() async throws {
        let cache = try ArchiveCache(directory: dir.file("cache"), limit: 1000)
        try put(cache, key("a"), 100, byte: 1)
        #expect(try await read(cache, key("a")) == [UInt8](repeating: 1, count: 100))
        #expect(try await read(cache, key("a", .zip)) == nil)
        #expect(cache.size == 100)
        #expect(files(cache) == [key("a")])
    }

    @Test func abandonedAndOversizedArchivesLeaveNothing() throws {
        let cache = try ArchiveCache(directory: dir.file("cache"), limit: 1000)
        let writer = try #require(cache.writer(for: key("a")))
        writer.write([1, 2, 3])
        #expect(files(cache).count == 1, "written under a temporary name meanwhile")
        #expect(!cache.contains(key("a")))
        writer.abandon()
        do {
            let dropped = try #require(cache.writer(for: key("b")))
            dropped.write([1])
        }
        try put(cache, key("c"), 1001)
        #expect(files(cache).isEmpty)
        #expect(cache.size == 0)
    }

    @Test func leastRecentlyUsedIsEvictedFirst() async throws {
        let cache = try ArchiveCache(directory: dir.file("cache"), limit: 300)
        try put(cache, key("a"), 100)
        try put(cache, key("b"), 100)
        try put(cache, key("c"), 100)
        _ = try await read(cache, key("a"))
        try put(cache, key("d"), 100)
        #expect(files(cache) == [key("a"), key("c"), key("d")])
        try put(cache, key("e"), 250)
        #expect(files(cache) == [key("e")])
        #expect(cache.size == 250)
        // Replacing a kept archive counts its size once.
        try put(cache, key("e"), 200)
        #expect(cache.size == 200)
    }

    /// A restart rebuilds the index from the files, oldest access first,
    /// and removes what a crash left half-written.
    @Test func aRestartKeepsTheOrderAndDropsTemporaries() throws {
        let path = dir.file("cache")
        do {
            let cache = try ArchiveCache(directory: path, limit: 1000)
            for (digit, age) in [("a", 30), ("b", 10), ("c", 20)] {
                try put(cache, key(Character(digit)), 100)
                try shell("touch -a -m -d '\(age) minutes ago' '\(path)/\(key(Character(digit)))'")
            }
        }
        dir.write("cache/.tmp-\(key("f"))-1-1", "partial")
        dir.write("cache/unrelated.txt", "kept")
        let reopened = try ArchiveCache(directory: path, limit: 200)
        #expect(Set(FileSystem.listDirectory(path) ?? []) == [key("b"), key("c"), "unrelated.txt"])
        #expect(reopened.size == 200)
    }
}
