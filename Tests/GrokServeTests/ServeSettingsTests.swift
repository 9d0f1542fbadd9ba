import GrokKit
import Testing
@testable import GrokServe

@Suite struct ServeSettingsTests {
    static func settings(_ serve: String, pull: String = "") throws(ConfigError) -> ServeSettings {
        let text = "[core]\ntoplevel = /srv/mirror\nprivate = */private/*\n[pull]\n\(pull)\n[serve]\n\(serve)\n"
        return try ServeSettings(config: GrokConfig(text: text, path: "/etc/g.conf"))
    }

    @Test func defaults() throws {
        let settings = try Self.settings("")
        #expect(settings.listen == [.tcp(host: "127.0.0.1", port: 8080)])
        #expect(settings.healthzMaxAge == 3600)
        #expect(settings.archiveFormats == ["tar.gz", "tar", "zip"])
        #expect(settings.archiveJobs == 4)
        #expect(settings.archiveCache == nil && settings.webhookSecret == nil)
        #expect(settings.statusStore == "/srv/mirror/.manifest.js.gz.status.sqlite")
        #expect(try Self.settings("", pull: "refresh = 300").healthzMaxAge == 900, "three refresh periods")
    }

    @Test func everyKey() throws {
        let settings = try Self.settings("""
            listen = 0.0.0.0:80 [::1]:8081
              /run/grokmirror/serve.sock
            include = /pub/*
            exclude = /pub/junk/*
            healthz_max_age = 120
            archive_formats = zip tar.gz
            archive_jobs = 2
            archive_cache = /var/cache/grok
            archive_cache_size = 2G
            webhook_secret = s3cret
            """)
        #expect(settings.listen == [.tcp(host: "0.0.0.0", port: 80), .tcp(host: "::1", port: 8081), .unix(path: "/run/grokmirror/serve.sock")])
        #expect(settings.healthzMaxAge == 120)
        #expect(settings.archiveFormats == ["zip", "tar.gz"])
        #expect(settings.archiveJobs == 2 && settings.archiveCache == "/var/cache/grok" && settings.archiveCacheSize == 2 << 30)
        #expect(settings.webhookSecret == "s3cret")
        #expect(settings.serves("/pub/a.git"))
        #expect(!settings.serves("/pub/junk/a.git"))
        #expect(!settings.serves("/pub/private/a.git"), "core.private is never served")
        #expect(!settings.serves("/other/a.git"))
    }

    @Test(arguments: ["listen = localhost", "listen = host:0", "listen = host:70000", "listen = ::1:80", "listen = relative/sock",
                      "healthz_max_age = 0", "archive_formats = tar.bz2", "archive_jobs = 0", "archive_cache_size = 12X",
                      "listen_on = 1.2.3.4:80"])
    func badValuesAreConfigErrors(line: String) {
        #expect(throws: ConfigError.self) { try Self.settings(line) }
    }

    @Test func anUnknownKeyIsNamedWithoutItsValue() {
        do {
            _ = try Self.settings("webhook_secrte = hunter2")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("webhook_secrte: unknown key"))
            #expect(!error.description.contains("hunter2"))
        }
    }
}
