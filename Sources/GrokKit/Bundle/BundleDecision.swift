/// What grok-bundle does with one selected repository, from what was read
/// of it: pure, so each branch is unit-tested without disk or git.
///
/// The order is grokmirror's: an existing bundle whose `.fingerprint`
/// equals the repository's fingerprint is unchanged (no git, no size
/// measured); only then is the size compared with the limit.
package enum BundleDecision: Sendable, Equatable {
    case generate
    /// Left as it is; not a failure.
    case skip(Skip)
    /// Not bundled, and the run reports a failure.
    case fail(String)

    package enum Skip: Sendable, Equatable, CustomStringConvertible {
        case unchanged
        /// Objects (borrowed ones included) over the `-s` limit.
        case tooLarge(sizeKiB: Int, limitGiB: Int)
        /// A repository without refs has nothing to bundle.
        case noRefs
        package var description: String {
            switch self {
            case .unchanged: "unchanged"
            case .tooLarge(let size, let limit): "\(NumberFormat.humanSize(size)) > \(limit) GiB"
            case .noRefs: "no refs"
            }
        }
    }

    /// What the run read before deciding.
    package struct Facts: Sendable, Equatable {
        /// The repository's directory exists.
        package var repositoryExists = true
        /// The fingerprint of its refs now; nil without refs.
        package var fingerprint: String?
        /// `clone.bundle` exists.
        package var bundleExists = false
        /// `.fingerprint`, stripped; nil when missing.
        package var storedFingerprint: String?
        package init(fingerprint: String?) { self.fingerprint = fingerprint }
    }

    /// The decision before measuring: nil means "measure the size, then
    /// ask `bySize`".
    package static func beforeSize(_ facts: Facts) -> BundleDecision? {
        guard facts.repositoryExists else { return .fail("the repository is missing") }
        guard let fingerprint = facts.fingerprint else { return .skip(.noRefs) }
        if facts.bundleExists, facts.storedFingerprint == fingerprint { return .skip(.unchanged) }
        return nil
    }

    /// Over the limit when `sizeKiB / 1024 / 1024 > limitGiB`, as grokmirror
    /// compares (exactly, in integers).
    package static func bySize(sizeKiB: Int, limitGiB: Int) -> BundleDecision {
        let (limitKiB, overflow) = limitGiB.multipliedReportingOverflow(by: 1_048_576)
        let over = overflow ? limitGiB < 0 : sizeKiB > limitKiB
        return over ? .skip(.tooLarge(sizeKiB: sizeKiB, limitGiB: limitGiB)) : .generate
    }
}
