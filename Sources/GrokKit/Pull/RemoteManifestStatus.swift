/// `<manifest dir>/.<manifest name>.remote`: what was fetched last, for
/// conditional requests; JSON `{"source", "last-fetched", "config-last-modified"}`
/// as grokmirror writes it.
package struct RemoteManifestStatus: Sendable, Equatable {
    package var source: String
    package var lastFetched: Int
    package var configLastModified: Int

    package init(source: String, lastFetched: Int, configLastModified: Int) {
        self.source = source
        self.lastFetched = lastFetched
        self.configLastModified = configLastModified
    }

    package static func path(forLocalManifest manifest: String) -> String {
        PathUtilities.hiddenSibling(of: manifest, suffix: ".remote")
    }

    /// nil when missing or unreadable: the next fetch is then unconditional.
    package static func load(_ path: String) -> RemoteManifestStatus? {
        guard let bytes = FileSystem.read(path, limit: 1 << 20),
              let object = (try? JSONParser.parse(bytes))?.objectValue else { return nil }
        return RemoteManifestStatus(
            source: object["source"]?.stringValue ?? "",
            lastFetched: object["last-fetched"]?.intValue ?? 0,
            configLastModified: object["config-last-modified"]?.intValue ?? 0
        )
    }

    package func save(_ path: String) -> Bool {
        let object = JSONObject([("source", .string(source)), ("last-fetched", .int(lastFetched)), ("config-last-modified", .int(configLastModified))])
        return AtomicFile.write(JSONWriter.serialize(.object(object), style: .compact), to: path)
    }
}
