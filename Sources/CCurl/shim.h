#include <curl/curl.h>

/* libcurl is not linked: GrokKit's CurlLibrary loads it with dlopen(3) on
   the first transfer, so the tools that never make one (grok-serve,
   grok-manifest in a post-receive hook) do not load it and the 28 libraries
   it depends on. This header gives the types and constants.

   curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
   call; these typed wrappers call them through the pointer dlsym(3) gave
   (`function`), with their real variadic type. */
typedef __typeof__(&curl_easy_setopt) grok_curl_setopt_type;
typedef __typeof__(&curl_easy_getinfo) grok_curl_getinfo_type;

static inline CURLcode grok_curl_setopt_long(void *function, CURL *handle, CURLoption option, long value) {
    return ((grok_curl_setopt_type)function)(handle, option, value);
}
static inline CURLcode grok_curl_setopt_string(void *function, CURL *handle, CURLoption option, const char *value) {
    return ((grok_curl_setopt_type)function)(handle, option, value);
}
static inline CURLcode grok_curl_setopt_pointer(void *function, CURL *handle, CURLoption option, void *value) {
    return ((grok_curl_setopt_type)function)(handle, option, value);
}
static inline CURLcode grok_curl_setopt_write_function(void *function, CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    return ((grok_curl_setopt_type)function)(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode grok_curl_setopt_read_function(void *function, CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    return ((grok_curl_setopt_type)function)(handle, CURLOPT_READFUNCTION, callback);
}
static inline CURLcode grok_curl_setopt_xferinfo_function(void *function, CURL *handle, int (*callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) {
    return ((grok_curl_setopt_type)function)(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
static inline CURLcode grok_curl_getinfo_long(void *function, CURL *handle, CURLINFO info, long *value) {
    return ((grok_curl_getinfo_type)function)(handle, info, value);
}
