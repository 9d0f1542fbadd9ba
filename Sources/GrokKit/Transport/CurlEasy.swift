import CCurl

/// One libcurl easy handle, through the functions `CurlLibrary` loaded;
/// cleaned up when released. Options taking a string get a copy made by
/// libcurl (7.17 and later), so no Swift string needs to outlive the call.
final class CurlEasy {
    let library: CurlLibrary
    let handle: CurlLibrary.Handle

    /// A new handle; fails when libcurl cannot be loaded (the reason names
    /// the library) or gives no handle.
    static func make() -> Result<CurlEasy, CurlLibrary.Unavailable> {
        CurlLibrary.shared.flatMap { library in
            guard let handle = library.easyInit() else { return .failure(CurlLibrary.Unavailable(description: "cannot initialise libcurl")) }
            return .success(CurlEasy(library: library, handle: handle))
        }
    }

    private init(library: CurlLibrary, handle: CurlLibrary.Handle) {
        self.library = library
        self.handle = handle
    }

    deinit { library.easyCleanup(handle) }

    func set(_ option: CURLoption, _ value: Int) { _ = grok_curl_setopt_long(library.easySetopt, handle, option, value) }
    func set(_ option: CURLoption, _ value: String) { _ = grok_curl_setopt_string(library.easySetopt, handle, option, value) }
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        _ = grok_curl_setopt_pointer(library.easySetopt, handle, option, pointer)
    }

    func setWriteFunction(_ callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int) {
        _ = grok_curl_setopt_write_function(library.easySetopt, handle, callback)
    }

    func setReadFunction(_ callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int) {
        _ = grok_curl_setopt_read_function(library.easySetopt, handle, callback)
    }

    func setProgressFunction(_ callback: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32) {
        _ = grok_curl_setopt_xferinfo_function(library.easySetopt, handle, callback)
    }

    /// A `long` the finished transfer reports (a status code, a time).
    func info(_ info: CURLINFO) -> Int {
        var value = 0
        _ = grok_curl_getinfo_long(library.easyGetinfo, handle, info, &value)
        return value
    }

    func perform() -> CURLcode { library.easyPerform(handle) }
}
