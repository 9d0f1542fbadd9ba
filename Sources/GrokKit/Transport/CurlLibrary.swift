import CCurl
import Glibc

/// libcurl's entry points, loaded with dlopen(3) when the first transfer
/// starts, never at program start.
///
/// Only grok-pull's manifest downloads and grok-fsck's mail use libcurl.
/// Linked, it and the 28 libraries it depends on (TLS, Kerberos, LDAP,
/// SSH, IDN) were loaded and relocated by every tool at startup: about
/// 5.4 MiB of a long-running grok-serve's resident memory, and part of
/// every grok-manifest run in a post-receive hook. The soname is the one
/// Debian's libcurl4 (the runtime of libcurl4-openssl-dev) installs.
struct CurlLibrary: @unchecked Sendable {  // C function pointers, set once
    typealias Handle = UnsafeMutableRawPointer

    /// Why libcurl cannot be used: it is not installed, lacks a function,
    /// or would not initialise.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    static let soname = "libcurl.so.4"

    typealias EasyInit = @convention(c) () -> Handle?
    typealias EasyCleanup = @convention(c) (Handle?) -> Void
    typealias EasyPerform = @convention(c) (Handle?) -> CURLcode
    typealias EasyStrerror = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    typealias SlistAppend = @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
    typealias SlistFreeAll = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
    typealias GlobalInit = @convention(c) (Int) -> CURLcode

    let easyInit: EasyInit
    let easyCleanup: EasyCleanup
    let easyPerform: EasyPerform
    let easyStrerror: EasyStrerror
    let slistAppend: SlistAppend
    let slistFreeAll: SlistFreeAll
    /// curl_easy_setopt and curl_easy_getinfo, variadic: called through
    /// CCurl's typed wrappers.
    let easySetopt: UnsafeMutableRawPointer
    let easyGetinfo: UnsafeMutableRawPointer

    /// The process's libcurl, loaded and globally initialised once (under
    /// the lazy global's lock, as curl_global_init requires).
    static let shared: Result<CurlLibrary, Unavailable> = load(soname)

    /// Loads `name` (tests pass a missing one) and runs curl_global_init.
    static func load(_ name: String) -> Result<CurlLibrary, Unavailable> {
        guard let library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(Unavailable(description: "cannot load libcurl: \(dlerror().map { String(cString: $0) } ?? name)"))
        }
        var missing = ""
        func symbol<T>(_ symbolName: String, as type: T.Type) -> T? {
            guard let address = dlsym(library, symbolName) else { missing = symbolName; return nil }
            return unsafeBitCast(address, to: type)
        }
        guard let easyInit = symbol("curl_easy_init", as: EasyInit.self), let easyCleanup = symbol("curl_easy_cleanup", as: EasyCleanup.self),
              let easyPerform = symbol("curl_easy_perform", as: EasyPerform.self), let easyStrerror = symbol("curl_easy_strerror", as: EasyStrerror.self),
              let slistAppend = symbol("curl_slist_append", as: SlistAppend.self), let slistFreeAll = symbol("curl_slist_free_all", as: SlistFreeAll.self),
              let easySetopt = symbol("curl_easy_setopt", as: UnsafeMutableRawPointer.self),
              let easyGetinfo = symbol("curl_easy_getinfo", as: UnsafeMutableRawPointer.self),
              let globalInit = symbol("curl_global_init", as: GlobalInit.self)
        else { return .failure(Unavailable(description: "cannot use \(name): no \(missing)")) }
        guard globalInit(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK else {
            return .failure(Unavailable(description: "cannot initialise libcurl (\(name))"))
        }
        return .success(CurlLibrary(easyInit: easyInit, easyCleanup: easyCleanup, easyPerform: easyPerform, easyStrerror: easyStrerror,
                                    slistAppend: slistAppend, slistFreeAll: slistFreeAll, easySetopt: easySetopt, easyGetinfo: easyGetinfo))
    }

    /// libcurl's words for `code`.
    func describe(_ code: CURLcode) -> String {
        easyStrerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }
}
