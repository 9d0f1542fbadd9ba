import Foundation
import GrokKit

/// A real origin on 127.0.0.1: nginx serving the origin's toplevel as
/// static files (the manifest, with real Last-Modified and 304s; `/private/`
/// behind basic auth) and its repositories over smart HTTP at `/git/`
/// through `git http-backend` via fcgiwrap. Stopped on deinit.
package final class OriginServer: @unchecked Sendable {
    package let root: String
    package let port: Int
    package let workDirectory: TemporaryDirectory
    /// Process groups of the servers, killed whole by stop().
    private var groups: [Int32] = []

    package var baseURL: String { "http://127.0.0.1:\(port)" }
    package var accessLog: String { (try? String(contentsOfFile: workDirectory.file("access.log"), encoding: .utf8)) ?? "" }

    package struct StartFailure: Error, CustomStringConvertible {
        package let description: String
        package init(description: String) { self.description = description }
    }

    /// Serves `root`; basic auth for `/private/` is user `mirror`, password `s3cret`.
    package init(root: String) throws {
        self.root = root
        workDirectory = TemporaryDirectory()
        port = try Self.freePort()
        let dir = workDirectory.path
        workDirectory.write("htpasswd", "mirror:{PLAIN}s3cret\n")
        workDirectory.write("nginx.conf", NginxFastCGI.configuration(directory: dir, port: port, root: root, locations: """
                    location /private/ {
                        auth_basic "grokmirror test";
                        auth_basic_user_file \(dir)/htpasswd;
                    }
                    location ~ ^/git(/.*)$ {
                        client_max_body_size 0;
                        include /etc/nginx/fastcgi_params;
                        fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                        fastcgi_param GIT_PROJECT_ROOT \(root);
                        fastcgi_param GIT_HTTP_EXPORT_ALL "";
                        fastcgi_param PATH_INFO $1;
                        fastcgi_pass unix:\(NginxFastCGI.socket(in: dir));
                    }
            """))
        groups = try NginxFastCGI.start(directory: dir, port: port)
    }

    package func stop() {
        NginxFastCGI.stop(groups)
        groups = []
    }

    deinit { stop() }

    /// A port nothing listens on right now.
    package static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw StartFailure(description: "cannot bind a loopback port") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    package static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
