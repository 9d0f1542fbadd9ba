import Foundation
import Testing
import TestSupport
@testable import GrokKit

/// Tricky config files read by Python's configparser (with
/// ExtendedInterpolation, as grokmirror reads them, from the reference's
/// virtualenv) and by us: the same files must be refused, and accepted ones
/// must give the same sections, keys and interpolated values, code point for
/// code point. NUL bytes and runaway `${...}` growth are left out: there we
/// refuse on purpose what configparser accepts (ConfigDialectTests).
@Suite struct ConfigParserDifferentialTests {
    /// Prints, per file, `ERROR` or one line per (section, key): section, key
    /// and value (`!` when interpolation fails) as hex code points.
    static let dumper = """
        import sys, configparser
        def hexed(text):
            return ' '.join('%x' % ord(c) for c in text)
        for path in sys.argv[1:]:
            print('FILE ' + path)
            parser = configparser.ConfigParser(interpolation=configparser.ExtendedInterpolation())
            try:
                parser.read(path)
            except Exception:
                print('ERROR')
                continue
            for section in ['DEFAULT'] + parser.sections():
                keys = parser.defaults() if section == 'DEFAULT' else parser[section]
                for key in keys:
                    try:
                        value = hexed(parser.get(section, key))
                    except Exception:
                        value = '!'
                    print(hexed(section) + '\\t' + hexed(key) + '\\t' + value)
        """

    static func hexed(_ text: String) -> String {
        text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
    }

    /// Our reading of the same bytes, in the dumper's format.
    static func ours(_ bytes: [UInt8]) -> [String] {
        let document: IniDocument
        do {
            document = try IniDocument(parsing: try ConfigText.decode(bytes, path: "t.conf"), path: "t.conf")
        } catch {
            return ["ERROR"]
        }
        var lines: [String] = []
        for section in [IniDocument.defaultSection] + document.sectionNames {
            for key in document.keys(in: section) {
                let raw = document.rawValue(section: section, key: key) ?? ""
                let value = (try? ExtendedInterpolation.expand(raw, section: section, key: key, in: document, path: "t.conf")).map(hexed) ?? "!"
                lines.append(hexed(section) + "\t" + hexed(key) + "\t" + value)
            }
        }
        return lines.sorted()
    }

    /// `k0 = <${k1}>` … `k<levels> = plain`: `levels` values containing `$`.
    static func chain(_ levels: Int) -> String {
        (0..<levels).map { "k\($0) = <${k\($0 + 1)}>\n" }.joined() + "k\(levels) = plain\n"
    }

    /// `d` needs two levels; through `c1`…`c8` it is reached at level ten.
    static func sharedValue() -> String {
        var text = "[s]\nd = ${e}\ne = ${f}\nf = x\n"
        for index in 1...8 { text += "c\(index) = ${\(index == 8 ? "d" : "c\(index + 1)")}\n" }
        return text + "shallow = ${d} ${c2}\ndeep = ${d} ${c1}\n"
    }

    static let textCases: [(String, String)] = [
        ("crlf", "[core]\r\ntoplevel = /a\r\nlist = one\r\n  two\r\n\r\n  three\r\n\r\n"),
        ("lone-cr", "[core]\rtoplevel = /a\r  more\r\r\n[b]\rx=1"),
        ("combining", "[core]\n#\u{301} c\nk =\u{301} v\n[x]\u{301}\na=1\n"),
        ("greek-question-mark", "[core]\n\u{37E} comment\nx=1\n"),
        ("unicode-space", "[s]\na = 1\u{3000}\n\u{A0}\u{A0}b\u{1C}\n\u{0C}c = 2\nd = \u{2003}v\u{2003}\ne = a\u{85}b\u{2028}c\u{85}\n"),
        ("equivalent-names", "[K]\ncaf\u{E9}=1\ncafe\u{301}=2\n[\u{212A}]\nK=3\n"),
        ("headers", "[core]\n[]=x\n[a] = b\nk=v\n[c]]\nk2=v\n[ s ]\nk3=v\n"),
        ("indentation", "[s]\n  a = 1\n  b = 2\n    c\n  [t]\n  x = y\n\tz = 1\n\t\tcontinued\n"),
        ("empty-lines-and-comments", "[s]\nk =\n\n  a\n\n# c\n  ; c2\n  b\n\n\n[t]\nz:  w : v\nq = v # not a comment\na:b = c\nv = 1\n\u{0B}\n  2\nlast = no newline"),
        ("interpolation", """
            [DEFAULT]
            base = /srv
            [core]
            toplevel = ${base}/git
            Mixed = ${TopLevel}
            esc = $$5 and $${x}
            bad = $x
            empty = ${}
            missing = ${nope}
            three = ${a:b:c}
            spaced = ${ base }
            cross = ${Other:Key}
            wrongcase = ${other:key}
            dflt = ${DEFAULT:base}
            trailing = ends with $
            [Other]
            key = ${core:toplevel}/k

            """),
        ("depth-10", "[s]\n" + chain(10)),
        ("depth-11", "[s]\n" + chain(11)),
        ("depth-through-shared-value", sharedValue()),
        ("loop", "[s]\na = ${b}\nb = ${a}\nc = fine\n"),
        ("duplicate-default-key", "[DEFAULT]\na = 1\n[s]\n[DEFAULT]\na = 2\n"),
        ("default-twice", "[DEFAULT]\na = 1\n[s]\n[DEFAULT]\nb = 2\n"),
        ("duplicate-section", "[s]\n[t]\n[s]\n"),
        ("duplicate-key-case", "[s]\nKey = 1\nkey = 2\n"),
        ("missing-header", "k = v\n[s]\n"),
        ("empty-key", "[s]\n= v\n"),
        ("colon-key", "[s]\n: v\n"),
        ("no-delimiter", "[s]\njust words\n"),
        ("final-sigma", "[s]\n\u{3A3}\u{391}\u{3A3} = 1\n"),
    ]

    /// Text around bytes that are not UTF-8 text.
    static func bytes(_ before: String, _ middle: [UInt8], _ after: String) -> [UInt8] {
        Array(before.utf8) + middle + Array(after.utf8)
    }

    static let byteCases: [(String, [UInt8])] = [
        ("byte-order-mark", bytes("", [0xEF, 0xBB, 0xBF], "[s]\nk = v\n")),
        ("invalid-utf8", bytes("[s]\nk = v", [0xFF], "\n")),
        ("surrogate", bytes("[s]\nk = v", [0xED, 0xA0, 0x80], "\n")),
        ("latin1-comment", bytes("[s]\n# caf", [0xE9], "\nk = v\n")),
    ]

    static var cases: [(name: String, bytes: [UInt8])] {
        textCases.map { ($0.0, Array($0.1.utf8)) } + byteCases
    }

    @Test func configparserAndWeReadTrickyFilesAlike() throws {
        let dir = TemporaryDirectory()
        dir.write("dump.py", Self.dumper)
        var paths: [String] = []
        for (name, bytes) in Self.cases {
            paths.append(dir.file(name + ".conf"))
            _ = FileManager.default.createFile(atPath: paths.last!, contents: Data(bytes))
        }
        let python = try Tools.reference("python")
        let outcome = try runProcess(python, [dir.file("dump.py")] + paths, timeout: 60, environment: ["PYTHONUTF8": "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var theirs: [String: [String]] = [:]
        var current = ""
        for line in outcome.stdout.split(separator: "\n") {
            if line.hasPrefix("FILE ") {
                current = String(line.dropFirst(5))
                theirs[current] = []
            } else {
                theirs[current, default: []].append(String(line))
            }
        }
        #expect(theirs.count == Self.cases.count)
        for (index, (name, bytes)) in Self.cases.enumerated() {
            #expect(Self.ours(bytes) == (theirs[paths[index]] ?? ["(no output)"]).sorted(), "\(name)")
        }
    }
}
