import Foundation

/// nginx in front of fcgiwrap, as the test HTTP servers run them: each
/// started by setsid into its own process group, with its pid file, logs
/// and temporary files in one scratch directory.
enum NginxFastCGI {
    /// nginx.conf for a server listening on 127.0.0.1:`port`; `locations`
    /// goes inside the `server` block. fcgiwrap's socket is `directory`/fcgiwrap.sock.
    static func configuration(directory dir: String, port: Int, root: String, locations: String) -> String {
        """
        \(getuid() == 0 ? "user root;" : "")
        daemon on;
        master_process on;
        worker_processes 1;
        error_log \(dir)/error.log;
        pid \(dir)/nginx.pid;
        events { worker_connections 256; }
        http {
            access_log \(dir)/access.log;
            client_body_temp_path \(dir)/tmp/body;
            fastcgi_temp_path \(dir)/tmp/fastcgi;
            proxy_temp_path \(dir)/tmp/proxy;
            uwsgi_temp_path \(dir)/tmp/uwsgi;
            scgi_temp_path \(dir)/tmp/scgi;
            default_type application/octet-stream;
            server {
                listen 127.0.0.1:\(port);
                root \(root);
        \(locations)
            }
        }
        """
    }

    static func socket(in dir: String) -> String { dir + "/fcgiwrap.sock" }

    /// Starts fcgiwrap and nginx (with `directory`/nginx.conf) and waits
    /// until both answer; returns their process groups, for stop(_:).
    static func start(directory dir: String, port: Int) throws -> [Int32] {
        for sub in ["tmp", "tmp/body", "tmp/fastcgi", "tmp/proxy", "tmp/uwsgi", "tmp/scgi"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        var groups: [Int32] = []
        let socketPath = socket(in: dir)
        // Each server leads its own process group (setsid), so stop() can
        // kill it with all its children at once.
        let wrapPid = try shell("setsid /usr/sbin/fcgiwrap -c 4 -s 'unix:\(socketPath)' </dev/null >/dev/null 2>&1 & echo $!")
        if let pid = Int32(wrapPid.trimmingCharacters(in: .whitespacesAndNewlines)) { groups.append(pid) }
        try shell("setsid /usr/sbin/nginx -c '\(dir)/nginx.conf' -p '\(dir)' -e '\(dir)/error.log' </dev/null >/dev/null 2>&1")
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: dir + "/nginx.pid") { usleep(20_000) }
        if let text = try? String(contentsOfFile: dir + "/nginx.pid", encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            groups.append(pid)
        }
        for _ in 0..<100 {
            if OriginServer.accepts(port: port) && FileManager.default.fileExists(atPath: socketPath) { return groups }
            usleep(50_000)
        }
        stop(groups)
        throw OriginServer.StartFailure(description: "nginx did not start on port \(port): \((try? String(contentsOfFile: dir + "/error.log", encoding: .utf8)) ?? "")")
    }

    /// Kills each process group whole.
    static func stop(_ groups: [Int32]) {
        for group in groups {
            kill(-group, SIGKILL)
            kill(group, SIGKILL)
        }
    }
}
