/// Which repositories of the local manifest a grok-bundle run considers,
/// decided from the manifest keys and `-i` globs alone (no disk), in
/// manifest order.
package struct BundlePlan: Sendable, Equatable {
    /// A repository that was selected but cannot be bundled, and why.
    package enum Refusal: Sendable, Equatable, CustomStringConvertible {
        /// Its gitdir names no directory inside the output directory.
        case unsafeGitdir(Gitdir)
        /// Its bundle directory is that of an earlier repository
        /// (`/a.git` and `/a` both bundle into `a/`).
        case sameDirectory(Gitdir, as: Gitdir)

        package var gitdir: Gitdir {
            switch self {
            case .unsafeGitdir(let gitdir), .sameDirectory(let gitdir, _): gitdir
            }
        }

        package var description: String {
            switch self {
            case .unsafeGitdir(let gitdir): "\(gitdir): not a path inside the output directory; refusing to bundle it"
            case .sameDirectory(let gitdir, let earlier): "\(gitdir): bundles into the same directory as \(earlier); bundling only \(earlier)"
            }
        }
    }

    /// The repositories to look at, in manifest order.
    package private(set) var targets: [BundleLayout] = []
    package private(set) var refused: [Refusal] = []
    /// Selected by no glob.
    package private(set) var excluded: [Gitdir] = []

    package init(gitdirs: [Gitdir], include: [Glob]) {
        var owners: [Gitdir: Gitdir] = [:]
        for gitdir in gitdirs {
            guard Self.isIncluded(gitdir, by: include) else { excluded.append(gitdir); continue }
            guard let layout = BundleLayout(gitdir: gitdir) else { refused.append(.unsafeGitdir(gitdir)); continue }
            if let earlier = owners[layout.directory] { refused.append(.sameDirectory(gitdir, as: earlier)); continue }
            owners[layout.directory] = gitdir
            targets.append(layout)
        }
    }

    /// grokmirror's test (a glob matches the key, or the glob without its
    /// leading slashes does), plus both without their leading slashes, so
    /// `pub/*` selects `/pub/x.git` as users expect (grokmirror never
    /// matched it).
    package static func isIncluded(_ gitdir: Gitdir, by include: [Glob]) -> Bool {
        let key = gitdir.path
        let relative = String(key.drop { $0 == "/" })
        return include.contains { glob in
            if glob.matches(key) { return true }
            let unrooted = Glob(String(glob.pattern.drop { $0 == "/" }))
            return unrooted.matches(key) || unrooted.matches(relative)
        }
    }
}
