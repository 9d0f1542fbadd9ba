import Glibc

/// `core.objstore_uses_plumbing`: bringing a sibling into its objstore
/// without `git fetch` (which re-checks connectivity over the whole
/// objstore): hardlink the sibling's object files across, then mirror its
/// refs under `refs/virtual/<virtref>/` in one `update-ref --stdin`
/// transaction. Objects land before any ref names them, so an interruption
/// leaves at worst unreferenced objects.
///
/// Unlike grokmirror, the sibling's own files are left in place (grokmirror
/// unlinks them and the sibling's bitmaps); the sibling's next repack drops
/// what its objstore holds.
struct ObjectStorePlumbing {
    let objectStore: ObjectStoreRepository

    func fetch(_ fullpath: String, virtref: String) async throws(ObjectStoreRepository.Failure) {
        try linkObjects(from: fullpath + "/objects", to: objectStore.path + "/objects")
        let source = try await refs(in: fullpath, arguments: ["for-each-ref", "--format=%(objectname) %(refname)"], prefix: "refs/virtual/\(virtref)/", dropping: "refs/")
        let destination = try await refs(in: objectStore.path, arguments: ["for-each-ref", "--format=%(objectname) %(refname)", "refs/virtual/\(virtref)/"], prefix: "", dropping: "")
        let commands = Self.refCommands(source: source, destination: destination)
        guard !commands.isEmpty else { return }
        try await objectStore.gitOrFail(["update-ref", "--stdin"], input: Array(commands.utf8))
    }

    /// `update-ref --stdin` lines that turn `destination` (ref → object)
    /// into `source`, each with the old value git must find, sorted.
    static func refCommands(source: [String: String], destination: [String: String]) -> String {
        var lines: [String] = []
        for ref in Set(source.keys).union(destination.keys).sorted() {
            switch (source[ref], destination[ref]) {
            case let (new?, old?) where new != old: lines.append("update \(ref) \(new) \(old)")
            case let (new?, nil): lines.append("create \(ref) \(new)")
            case let (nil, old?): lines.append("delete \(ref) \(old)")
            default: break
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    private func refs(in gitDir: String, arguments: [String], prefix: String, dropping: String) async throws(ObjectStoreRepository.Failure) -> [String: String] {
        let result: CommandResult
        do { result = try await objectStore.git.run(gitDir: gitDir, arguments) } catch {
            throw ObjectStoreRepository.Failure(message: error.description)
        }
        guard result.succeeded else { throw ObjectStoreRepository.Failure(message: "git for-each-ref failed in \(gitDir): \(result.errorOutput)") }
        var refs: [String: String] = [:]
        for line in result.output.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[1].hasPrefix(dropping) else { continue }
            refs[prefix + String(parts[1].dropFirst(dropping.count))] = String(parts[0])
        }
        return refs
    }

    /// Hardlinks every object file the objstore lacks (bitmaps and `info/`
    /// excepted); pack indexes go last, so git never sees an index whose
    /// pack is not there yet.
    private func linkObjects(from source: String, to destination: String) throws(ObjectStoreRepository.Failure) {
        var files: [String] = []
        for directory in FileSystem.listDirectory(source) ?? [] where directory != "info" {
            let path = source + "/" + directory
            guard FileSystem.kind(path) == .directory else { continue }
            for name in FileSystem.listDirectory(path) ?? [] where !name.hasSuffix(".bitmap") && !name.hasPrefix("tmp_") {
                files.append(directory + "/" + name)
            }
        }
        files.sort { ($0.hasSuffix(".idx") ? 1 : 0, $0) < ($1.hasSuffix(".idx") ? 1 : 0, $1) }
        for file in files where !FileSystem.exists(destination + "/" + file) {
            let directory = destination + "/" + PathUtilities.dirname(file)
            if !FileSystem.isDirectory(directory) { mkdir(directory, 0o777) }
            guard link(source + "/" + file, destination + "/" + file) == 0 || errno == EEXIST else {
                throw ObjectStoreRepository.Failure(message: "cannot link \(source)/\(file) into \(destination): \(FileSystem.errorDescription())")
            }
        }
    }
}
