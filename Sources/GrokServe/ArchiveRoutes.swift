import GrokKit
import Hummingbird

/// `GET`/`HEAD /<gitdir>/archive/<rev>.<format>` and gitmirror's
/// `/<gitdir without .git>.tar.gz?rev=<rev>`: an archive of any revision,
/// streamed as git writes it (or from the cache), with an ETag from the
/// commit and format.
package enum ArchiveRoutes: ServeRoutes {
    package static func add(to router: Router<ServeContext>, environment: ServeEnvironment) {
        let service = ArchiveService(settings: environment.settings, logger: environment.logger)
        router.get("/**") { request, _ in await respond(request, head: false, service: service) }
        router.head("/**") { request, _ in await respond(request, head: true, service: service) }
    }

    static func respond(_ request: Request, head: Bool, service: ArchiveService) async -> Response {
        guard let path = RequestPath.decode(request.uri.path[...]) else { return Reply.text("bad path\n", status: .badRequest) }
        let rev = request.uri.queryParameters["rev"].map(String.init)
        let candidates = ArchiveTarget.candidates(path: path, rev: rev, formats: service.formats)
        guard let (target, gitDir) = candidates.lazy.compactMap({ target in service.repositories.locate(target.gitdir).map { (target, $0) } }).first else {
            return Reply.text("not found\n", status: .notFound)
        }
        let revision: ArchiveRevision
        do {
            revision = try ArchiveRevision(validating: target.revision)
        } catch {
            return Reply.text("bad revision: \(error)\n", status: .badRequest)
        }
        guard let commit = await service.resolve(gitdir: target.gitdir, path: gitDir, revision: revision, mayRequest: !head) else {
            return Reply.text("no such revision\n", status: .notFound)
        }
        let key = ArchiveCache.key(commit: commit, format: target.format)
        var headers = ArchiveReply.headers(target: target, revision: revision, etag: "\"\(key)\"")
        if ArchiveReply.matches(request.headers[values: .ifNoneMatch], etag: "\"\(key)\"") {
            return Response(status: .notModified, headers: HTTPFields(headers.filter { $0.name == .eTag || $0.name == .cacheControl }))
        }
        if let file = service.cache?.open(key) {
            headers[.contentLength] = String(file.size)
            if head { return Response(status: .ok, headers: headers, body: ResponseBody()) }
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: file.size) { writer in
                try await file.stream { try await writer.write(ByteBuffer(bytes: $0)) }
                try await writer.finish(nil)
            })
        }
        if head { return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await writer.finish(nil) }) }
        guard let slot = service.jobs.acquire() else {
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "5", .contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "too many archives being built; retry shortly\n")))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await build(service: service, gitDir: gitDir, commit: commit, key: key, format: target.format,
                            prefix: ArchiveSource.prefix(gitdir: target.gitdir, revision: revision), slot: slot, writer: &writer)
        })
    }

    /// Streams a fresh archive to the client, and into the cache when there
    /// is one (kept only if complete).
    static func build(service: ArchiveService, gitDir: String, commit: String, key: String, format: ArchiveFormat, prefix: String,
                      slot: ArchiveJobSlot, writer: inout any ResponseBodyWriter) async throws {
        let cacheWriter = service.cache?.writer(for: key)
        do {
            try await service.source.build(gitDir: gitDir, commit: commit, format: format, prefix: prefix) { chunk in
                cacheWriter?.write(chunk)
                try await writer.write(ByteBuffer(bytes: chunk))
            }
        } catch {
            cacheWriter?.abandon()
            throw error
        }
        cacheWriter?.finish()
        withExtendedLifetime(slot) {}
        try await writer.finish(nil)
    }
}

/// Headers of archive responses.
enum ArchiveReply {
    static func headers(target: ArchiveTarget, revision: ArchiveRevision, etag: String) -> HTTPFields {
        let name = fileNameSafe(ArchiveSource.fileName(gitdir: target.gitdir, revision: revision, format: target.format))
        return [
            .contentType: target.format.contentType,
            .contentDisposition: "attachment; filename=\"\(name)\"",
            .eTag: etag,
            // What a full object id names never changes; a branch or tag may
            // move, so those are revalidated (cheaply, by ETag).
            .cacheControl: revision.isFullObjectID ? "public, max-age=31536000, immutable" : "no-cache",
        ]
    }

    /// Whether an `If-None-Match` (its values, each possibly a list) names
    /// `etag`, weakly or not, or is `*`.
    static func matches(_ values: [String], etag: String) -> Bool {
        values.flatMap { $0.split(separator: ",") }.contains { item in
            let tag = String(item.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    /// The name with anything but letters, digits and `.-_+` replaced by
    /// `_`, so that it is a plain quoted-string (the revision is already
    /// restricted; the repository's name is not).
    static func fileNameSafe(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_+".unicodeScalars.contains(scalar)) ? scalar : "_"
        }))
    }
}
