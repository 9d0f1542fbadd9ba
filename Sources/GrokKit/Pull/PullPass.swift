/// The jobs of one changed remote manifest, until all have ended.
struct PullPass {
    let culled: PullPlan.Culled
    let hadRejections: Bool
    /// The `.remote` state to save when the pass ends complete; nil for
    /// `manifest_command`.
    let status: RemoteManifestStatus?
    private var outstanding: Set<Gitdir>
    /// Whether one of its jobs failed.
    private var jobFailed = false

    init(_ planned: PullRun.Pass) {
        culled = planned.culled
        hadRejections = !planned.rejections.isEmpty
        status = planned.status
        outstanding = Set(planned.jobs.map(\.gitdir))
    }

    /// Every job has ended.
    var isOver: Bool { outstanding.isEmpty }

    /// Only complete, recorded work lets the next check skip an unchanged
    /// manifest; anything else is re-planned. So are rejected entries:
    /// every run reports them (exit 1) until the origin fixes them.
    var isComplete: Bool { !jobFailed && !hadRejections }

    /// A job of this pass ended; `failed` marks the pass incomplete.
    mutating func ended(_ gitdir: Gitdir, failed: Bool) {
        if outstanding.remove(gitdir) != nil && failed { jobFailed = true }
    }
}
