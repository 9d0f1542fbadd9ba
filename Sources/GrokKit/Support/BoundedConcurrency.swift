/// Runs one async job per item with at most `limit` running at a time,
/// handing each result to `collect` on the calling task as jobs finish (so
/// `collect` needs no lock). Once the calling task is cancelled no new job
/// starts; the running ones learn of it through their own cancellation.
package enum BoundedConcurrency {
    package static func forEach<Item: Sendable, Result: Sendable>(
        _ items: [Item], limit: Int, _ job: @escaping @Sendable (Item) async -> Result,
        collect: (Item, Result) -> Void
    ) async {
        await withTaskGroup(of: (Item, Result).self) { group in
            var pending = items[...]
            var running = 0
            repeat {
                while !Task.isCancelled, running < max(1, limit), let item = pending.popFirst() {
                    running += 1
                    group.addTask { (item, await job(item)) }
                }
                guard let (item, result) = await group.next() else { break }
                running -= 1
                collect(item, result)
            } while true
        }
    }
}
