import Foundation

/// A push target on 127.0.0.1: nginx serving the bare repositories under
/// `root` over smart HTTP at `/git/` through `git http-backend` via
/// fcgiwrap, with receive-pack enabled, all of it behind basic auth for
/// user `pusher`. Nothing else is served. Stopped on deinit.
package final class PushHTTPServer: @unchecked Sendable {
    package let user = "pusher"
    package let root: String
    package let password: String
    package let port: Int
    package let workDirectory: TemporaryDirectory
    /// Process groups of the servers, killed whole by stop().
    private var groups: [Int32] = []

    /// `http://127.0.0.1:PORT`; repositories are at `baseURL/git/<path under root>`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }
    package var accessLog: String { (try? String(contentsOfFile: workDirectory.file("access.log"), encoding: .utf8)) ?? "" }
    package var errorLog: String { (try? String(contentsOfFile: workDirectory.file("error.log"), encoding: .utf8)) ?? "" }

    /// Serves `root`; basic auth is user `pusher` with `password` (which
    /// may not contain a colon or a newline). `port` reuses a port, as
    /// a destination that was down comes back where it was; by default a
    /// free one is picked.
    package init(root: String, password: String, port: Int? = nil) throws {
        self.root = root
        self.password = password
        workDirectory = TemporaryDirectory()
        self.port = try port ?? OriginServer.freePort()
        let dir = workDirectory.path
        workDirectory.write("htpasswd", "pusher:{PLAIN}\(password)\n")
        // git http-backend runs receive-pack only for a request with
        // REMOTE_USER set (or http.receivepack true): basic auth sets it.
        workDirectory.write("nginx.conf", NginxFastCGI.configuration(directory: dir, port: self.port, root: root, locations: """
                    location ~ ^/git(/.*)$ {
                        auth_basic "grokmirror push test";
                        auth_basic_user_file \(dir)/htpasswd;
                        client_max_body_size 0;
                        include /etc/nginx/fastcgi_params;
                        fastcgi_param REMOTE_USER $remote_user;
                        fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                        fastcgi_param GIT_PROJECT_ROOT \(root);
                        fastcgi_param GIT_HTTP_EXPORT_ALL "";
                        fastcgi_param PATH_INFO $1;
                        fastcgi_pass unix:\(NginxFastCGI.socket(in: dir));
                    }
            """))
        groups = try NginxFastCGI.start(directory: dir, port: self.port)
    }

    /// The URL of `relativePath` (under `root`), with `pusher:password@`
    /// in it unless `credentials` is false.
    package func url(_ relativePath: String, credentials: Bool = true) -> String {
        let secret = password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? password
        let userinfo = credentials ? "\(user):\(secret)@" : ""
        let path = relativePath.hasPrefix("/") ? String(relativePath.dropFirst()) : relativePath
        return "http://\(userinfo)127.0.0.1:\(port)/git/\(path)"
    }

    package func stop() {
        NginxFastCGI.stop(groups)
        groups = []
    }

    deinit { stop() }
}
