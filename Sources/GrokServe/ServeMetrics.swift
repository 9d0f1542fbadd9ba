import CoreMetrics
import GrokKit
import Prometheus

/// `/metrics`: Prometheus text through swift-prometheus. Every value is read
/// from a `MetricsSummary` of the store at scrape time; labels stay bounded (state, result,
/// push destination, tool, HTTP status class) — never one per repository.
package final class ServeMetrics: Sendable {
    package let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    package init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Counts a response, by status class (`2xx`, `4xx`...), through
    /// swift-metrics.
    package func countResponse(status: Int) {
        CoreMetrics.Counter(label: "grokmirror_http_responses_total", dimensions: [("code", "\(status / 100)xx")], factory: factory)
            .increment()
    }

    package func exposition(_ summary: MetricsSummary) -> [UInt8] {
        for name in RepositoryState.names {
            make("repositories", [("state", name)], help: "Repositories served, by state").set(Double(summary.counts[name] ?? 0))
        }
        let checks = summary.checks
        gauge("grokmirror_manifest_last_check_timestamp_seconds", checks.lastManifestCheck, "When the origin's manifest was last checked")
        gauge("grokmirror_manifest_last_success_timestamp_seconds", checks.lastSuccessfulManifestCheck,
              "When the origin's manifest was last checked successfully")
        make("manifest_check_ok", help: "1 when the last manifest check succeeded")
            .set(checks.lastManifestCheck == nil || checks.manifestCheckError != nil ? 0.0 : 1.0)
        fetchResults(summary)
        pushResults(summary)
        for (tool, at) in checks.heartbeats where ["pull", "push"].contains(tool) {
            make("heartbeat_timestamp_seconds", [("tool", tool)], help: "A tool's last sign of life").set(at)
        }
        return registry.emitToBuffer()
    }

    private func gauge(_ name: String, _ value: Double?, _ help: String) {
        make(String(name.dropFirst("grokmirror_".count)), help: help).set(value ?? 0)
    }

    /// The gauge `grokmirror_<name>` with these labels (the registry keeps
    /// one per label set).
    private func make(_ name: String, _ labels: [(String, String)] = [], help: String) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "grokmirror", metricName: name, unitName: "", helpText: help), labels: labels)
    }

    private func fetchResults(_ summary: MetricsSummary) {
        for (result, count) in [("success", summary.fetchSuccesses), ("failure", summary.fetchFailures)] {
            make("fetch_last_result", [("result", result)], help: "Repositories whose last fetch succeeded or failed").set(Double(count))
        }
        make("fetch_consecutive_failures", help: "Consecutive fetch failures, summed over repositories").set(Double(summary.failuresInARow))
        make("fetch_seconds", help: "The last fetch's duration, summed over repositories").set(summary.fetchSeconds)
    }

    private func pushResults(_ summary: MetricsSummary) {
        for (destination, count) in summary.pushes {
            for (result, value) in [("success", count.success), ("failure", count.failure)] {
                make("push_last_result", [("destination", destination), ("result", result)],
                     help: "Repositories whose last push to the destination succeeded or failed").set(Double(value))
            }
            make("push_behind", [("destination", destination)], help: "Repositories the destination is behind on").set(Double(count.behind))
        }
    }
}
