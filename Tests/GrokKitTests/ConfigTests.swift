import Testing
import TestSupport
@testable import GrokKit

@Suite struct ConfigTests {
    let top = TemporaryDirectory()

    func config(_ text: String) throws -> GrokConfig {
        try GrokConfig(text: text, path: "/etc/grokmirror/test.conf")
    }

    @Test func interpolatesSameSectionAndCrossSection() throws {
        let c = try config("""
            [core]
            toplevel = \(top.path)
            log = ${toplevel}/log
            [remote]
            site = https://git.example.org
            manifest = ${site}/manifest.js.gz
            [pull]
            projectslist = ${core:toplevel}/projects.list
            price = $$5
            """)
        #expect(c.core.log == top.path + "/log")
        #expect(try c.string("remote", "manifest") == "https://git.example.org/manifest.js.gz")
        #expect(try c.string("pull", "projectslist") == top.path + "/projects.list")
        #expect(try c.string("pull", "price") == "$5")
    }

    @Test func defaultsForManifestAndObjstore() throws {
        let c = try config("[core]\ntoplevel = \(top.path)\n")
        #expect(c.core.manifest == top.path + "/manifest.js.gz")
        #expect(c.core.objstore == top.path + "/objstore")
        #expect(c.core.log == nil)
        #expect(c.core.debug == false)
        #expect(try c.manifestSettings() == GrokConfig.ManifestSettings())
    }

    @Test func multiLineValuesCommentsAndCaseInsensitiveKeys() throws {
        let c = try config("""
            [core]
            TopLevel = \(top.path)
            # a comment
            ; another
            [manifest]
            Ignore = /testing/*
                     /private/*

                     # not part of the value
                     */junk/*
            Pretty: yes
            """)
        #expect(c.core.toplevel == top.path)
        let settings = try c.manifestSettings()
        #expect(settings.ignore.map(\.pattern) == ["/testing/*", "/private/*", "*/junk/*"])
        #expect(settings.pretty)
    }

    @Test(arguments: [("yes", true), ("On", true), ("1", true), ("TRUE", true), ("no", false), ("off", false), ("0", false), ("False", false)])
    func booleans(text: String, expected: Bool) throws {
        let c = try config("[core]\ntoplevel = \(top.path)\n[manifest]\npretty = \(text)\n")
        #expect(try c.bool("manifest", "pretty", default: !expected) == expected)
    }

    @Test func defaultSectionIsInherited() throws {
        let c = try config("[DEFAULT]\nbase = /srv\n[core]\ntoplevel = \(top.path)\n[pull]\nsocket = ${base}/sock\n")
        #expect(try c.string("pull", "socket") == "/srv/sock")
    }

    @Test func errorsNameFileSectionAndKey() throws {
        #expect(throws: ConfigError.missingSection(path: "/etc/grokmirror/test.conf", section: "core")) {
            try config("[pull]\nsite = x\n")
        }
        #expect(throws: ConfigError.missingKey(path: "/etc/grokmirror/test.conf", section: "core", key: "toplevel")) {
            try config("[core]\nlog = x\n")
        }
        let badNumber = try config("[core]\ntoplevel = \(top.path)\n[pull]\npull_threads = lots\n")
        #expect(throws: ConfigError.badValue(path: "/etc/grokmirror/test.conf", section: "pull", key: "pull_threads", value: "lots", expected: "a whole number")) {
            try badNumber.int("pull", "pull_threads", default: 1)
        }
        let badBool = try config("[core]\ntoplevel = \(top.path)\n[manifest]\npretty = maybe\n")
        #expect(throws: ConfigError.self) { try badBool.validate() }
        let badInterpolation = try config("[core]\ntoplevel = \(top.path)\nlog = ${nosuchkey}/x\n")
        do {
            try badInterpolation.validate()
            Issue.record("expected an interpolation error")
        } catch {
            #expect(error.description.contains("test.conf"))
            #expect(error.description.contains("[core] log"))
            #expect(error.description.contains("${nosuchkey}"))
        }
        let loop = try config("[core]\ntoplevel = \(top.path)\na = ${b}\nb = ${a}\n")
        #expect(throws: ConfigError.self) { try loop.string("core", "a") }
        #expect(throws: ConfigError.self) { try config("[core]\ntoplevel = \(top.path)\n[pull]\nx = 1\nx = 2\n") }
        #expect(throws: ConfigError.self) { try config("[core]\ntoplevel = \(top.path)\njust a line\n") }
        #expect(throws: ConfigError.self) { try config("[core]\ntoplevel = \(top.path)\nlog = $oops\n").validate() }
    }

    @Test func loadChecksFileAndToplevel() throws {
        #expect(throws: ConfigError.missingFile(path: top.file("nope.conf"))) { try GrokConfig.load(path: top.file("nope.conf")) }
        top.write("missing-top.conf", "[core]\ntoplevel = \(top.path)/does/not/exist\n")
        do {
            _ = try GrokConfig.load(path: top.file("missing-top.conf"))
            Issue.record("expected a toplevel error")
        } catch {
            #expect(error.description.contains("missing-top.conf"))
            #expect(error.description.contains("does not exist"))
        }
        top.write("good.conf", "[core]\ntoplevel = \(top.path)\n")
        let loaded = try GrokConfig.load(path: top.file("good.conf"))
        #expect(loaded.core.toplevel == top.path)
        #expect(loaded.lastModified > 0)
    }
}
