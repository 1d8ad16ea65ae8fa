import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Transform

/// The rules every fetch follows.
public struct DownloadPolicy: Sendable {
    /// Publisher hosts that pages, files and redirects may go to.
    public var allowedHosts: Set<String>
    /// Seconds without a byte before a transfer counts as stalled (then retried).
    public var idleTimeout: TimeInterval = 30
    /// Upper bound for one fetch, retries and waits included.
    public var maxTotalSeconds: TimeInterval = 900
    public var maxAttempts = 6
    /// First backoff; doubles each retry, with ±50 % jitter; `Retry-After` wins when larger.
    public var backoffBase: TimeInterval = 1
    /// Largest body accepted.
    public var maxBytes: Int64 = 8 << 30
    public var maxRedirects = 20
    public var userAgent = "nhs-gp-warehouse/0.1 (+https://github.com/; batch loader)"

    public init(allowedHosts: Set<String>) { self.allowedHosts = allowedHosts }
}

/// What a fetch should get, checked before the file is accepted.
public enum ContentExpectation: Sendable {
    case any
    /// A zip archive: magic bytes and central directory are checked; an HTML page is named as such.
    case zip
    /// A web page.
    case html
    /// A data file that is not a zip (CSV): an HTML page in its place is refused and named.
    case data
}

/// The result of a fetch.
public struct FetchResult: Sendable {
    /// The publisher's URL (what provenance records, even when a mirror served it).
    public let url: String
    /// Where the bytes are (an object in the content-addressed cache).
    public let path: String
    public let record: DownloadCache.Record
    /// True when the server said 304: the cached copy is current and no body was transferred.
    public let notModified: Bool
    /// Attempts made (1 when the first succeeded).
    public let attempts: Int
}

/// Fetches publisher URLs into the cache: streamed to a `.part` file, checked (length, SHA-256,
/// zip structure, HTML-instead-of-zip), fsync'd and renamed into place. Conditional GET with the
/// cached validators; retries with exponential backoff and jitter on timeouts, resets, short
/// reads, 5xx and 429 (honouring `Retry-After`), within a total time budget; resumes with
/// `Range` + `If-Range`, restarting from zero when the server answers 200 or a wrong range.
/// Only https, to allowed hosts; redirects checked the same way (or kept inside the mirror). A
/// loopback address is reached only through an explicit mirror, never from a catalogue URL, a
/// `--url`, a page link or a redirect.
/// A transfer that failed and will be tried again.
public struct RetryEvent: Sendable {
    public let url: String
    /// The attempt that failed (1 for the first).
    public let attempt: Int
    public let waitSeconds: TimeInterval
    /// What went wrong: `HTTP 503`, `short read: …`, a network error.
    public let problem: String
}

public final class Downloader: @unchecked Sendable {
    // @unchecked: the session delegate's state is touched only from the delegate queue while a
    // transfer runs and from the calling thread after it finished (ordered by a semaphore).
    public let cache: DownloadCache
    public let policy: DownloadPolicy
    public let mirror: Mirror?
    /// Called before each retry (for the run log, as a warning).
    public var onRetry: @Sendable (RetryEvent) -> Void = { _ in }
    /// Headers sent only to requests for a publisher host (a subscription key read from the
    /// environment): host → (header, value). Never part of a URL, the cache or a message.
    public var secretHeaders: [String: [(header: String, value: String)]] = [:]
    /// Called with bytes received so far (for a progress line).
    /// Bytes received so far, and the whole file's size when the server said it.
    public var onProgress: @Sendable (Int64, Int64?) -> Void = { _, _ in }
    private let session: URLSession
    private let delegate: TransferDelegate

    public init(cache: DownloadCache, policy: DownloadPolicy, mirror: Mirror? = nil) {
        self.cache = cache
        self.policy = policy
        self.mirror = mirror
        delegate = TransferDelegate()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.idleTimeout
        configuration.timeoutIntervalForResource = policy.maxTotalSeconds
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        delegate.owner = self
    }

    deinit { session.invalidateAndCancel() }

    /// Fetches `url` (a publisher URL). Throws `ExtractError`: `.refused` for a URL or redirect
    /// outside policy, `.notPublished` for 404/410, `.transient` when retries ran out, `.notZip`
    /// for an HTML page (or other bytes) where a zip was expected, `.http` for other statuses.
    public func fetch(_ url: String, expect: ContentExpectation = .any, conditional: Bool = true) throws -> FetchResult {
        guard let publisherURL = URL(string: url) else { throw ExtractError(.refused, path: url, "not a valid URL") }
        try checkAllowed(publisherURL, original: url)
        let target = try mirror?.map(publisherURL) ?? publisherURL
        if target.isFileURL {
            return try fetchLocal(target, publisherURL: url, expect: expect, conditional: conditional)
        }
        let cached = conditional ? cache.record(for: url) : nil
        try FileManager.default.createDirectory(at: cache.temporaryDirectory, withIntermediateDirectories: true)
        let part = cache.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).part")
        defer { try? FileManager.default.removeItem(at: part) }
        let deadline = Date().addingTimeInterval(policy.maxTotalSeconds)
        var attempt = 0
        var resume: (bytes: Int64, validator: String, total: Int64?)? = nil
        var lastProblem = ""
        while true {
            attempt += 1
            var request = URLRequest(url: target)
            for (header, value) in secretHeaders[publisherURL.host?.lowercased() ?? ""] ?? [] {
                request.setValue(value, forHTTPHeaderField: header)
            }
            request.setValue(policy.userAgent, forHTTPHeaderField: "User-Agent")
            request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            if let cached, resume == nil {
                if let etag = cached.etag, !etag.hasPrefix("W/") { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
                if let modified = cached.lastModified { request.setValue(modified, forHTTPHeaderField: "If-Modified-Since") }
            }
            if let resume {
                request.setValue("bytes=\(resume.bytes)-", forHTTPHeaderField: "Range")
                request.setValue(resume.validator, forHTTPHeaderField: "If-Range")
            }
            let transfer = try run(request, into: part, appendFrom: resume?.bytes, deadline: deadline, publisherURL: url)
            if let refusal = transfer.refusal { throw ExtractError(.refused, path: url, refusal) }
            let status = transfer.status
            if status == 304, let cached {
                return FetchResult(url: url, path: cache.objectURL(cached.sha256).path, record: cached, notModified: true, attempts: attempt)
            }
            if status == 404 || status == 410 {
                throw ExtractError(.notPublished, path: url, "not published (HTTP \(status))")
            }
            var transient: String? = nil
            if let error = transfer.error {
                transient = error
            } else if status == 429 || (500...599).contains(status) {
                transient = "HTTP \(status)"
            } else if status == 200 || status == 206 {
                if let expected = transfer.expectedLength, transfer.written != expected {
                    transient = "short read: \(transfer.written) of \(expected) bytes"
                } else if status == 206, transfer.rangeMismatch {
                    transient = "the server resumed at the wrong offset"
                    resume = nil
                } else {
                    return try accept(part, transfer: transfer, publisherURL: url, expect: expect, attempts: attempt)
                }
            } else {
                throw ExtractError(.http, path: url, "HTTP \(status)\(transfer.reason.map { " \($0)" } ?? "")")
            }
            lastProblem = transient!
            // Keep what arrived when the server can resume it safely (a strong validator).
            if (status == 200 || status == 206), !transfer.rangeMismatch, transfer.written > 0,
               let validator = transfer.etag.flatMap({ $0.hasPrefix("W/") ? nil : $0 }) ?? transfer.lastModified {
                resume = (transfer.written, validator, transfer.totalLength)
            } else {
                resume = nil
            }
            var wait = policy.backoffBase * pow(2, Double(attempt - 1)) * Double.random(in: 0.5...1.5)
            if let retryAfter = transfer.retryAfter { wait = max(wait, retryAfter) }
            if attempt >= policy.maxAttempts || Date().addingTimeInterval(wait) > deadline {
                throw ExtractError(.transient, path: url, "gave up after \(attempt) attempts: \(lastProblem)")
            }
            onRetry(RetryEvent(url: url, attempt: attempt, waitSeconds: wait, problem: lastProblem))
            Thread.sleep(forTimeInterval: wait)
        }
    }

    /// Refuses non-https URLs and hosts outside the allow-list. Loopback gets no exception: a
    /// local server is reached only as the configured mirror.
    func checkAllowed(_ url: URL, original: String) throws {
        let host = (url.host ?? "").lowercased()
        guard url.scheme?.lowercased() == "https" else {
            throw ExtractError(.refused, path: original, "only https URLs are fetched (got \(url.scheme ?? "no scheme"))")
        }
        guard policy.allowedHosts.contains(host) else {
            throw ExtractError(.refused, path: original, "host \(host) is not on the allow-list (\(policy.allowedHosts.sorted().joined(separator: ", ")))")
        }
    }

    /// Checks a complete download and moves it into the cache.
    private func accept(_ part: URL, transfer: Transfer, publisherURL: String, expect: ContentExpectation, attempts: Int) throws -> FetchResult {
        guard transfer.written <= policy.maxBytes else {
            throw ExtractError(.limitExceeded, path: publisherURL, "larger than the \(policy.maxBytes)-byte cap")
        }
        let input = try FileInput(path: part.path)
        let head = try input.bytes(at: 0, count: Int(min(input.size, 512)))
        if case .zip = expect {
            guard ZipArchive.hasZipSignature(head) else {
                let type = transfer.contentType.map { "; content-type \($0)" } ?? ""
                throw ExtractError(.notZip, path: publisherURL, ZipArchive.describeNonZip(head) + type)
            }
            _ = try ZipArchive(path: part.path)  // the central directory is readable and consistent
        }
        if case .data = expect {
            let description = ZipArchive.describeNonZip(head)
            if description.contains("HTML page") {
                let type = transfer.contentType.map { "; content-type \($0)" } ?? ""
                throw ExtractError(.notZip, path: publisherURL, description.replacingOccurrences(of: "not a zip archive", with: "not a data file") + type)
            }
        }
        let (sha, size) = try HashingSource.digest(of: input)
        try Self.syncToDisk(part)
        let record = DownloadCache.Record(
            url: publisherURL, sha256: sha, size: size, etag: transfer.etag, lastModified: transfer.lastModified,
            contentType: transfer.contentType, fetchedAt: Date())
        try cache.store(part, record: record)
        return FetchResult(url: publisherURL, path: cache.objectURL(sha).path, record: record, notModified: false, attempts: attempts)
    }

    /// Flushes a finished download to disk before it is renamed into the cache, so a crash
    /// never leaves a named object with missing bytes.
    static func syncToDisk(_ file: URL) throws {
        let fd = open(file.path, O_RDONLY)
        guard fd >= 0 else { throw ExtractError(.io, path: file.path, "cannot open the download to sync it") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw ExtractError(.io, path: file.path, "fsync failed: \(String(cString: strerror(errno)))") }
    }

    /// A mirror directory on disk (`file://` base): copied into the cache; the file's size and
    /// modification time stand in for HTTP validators.
    private func fetchLocal(_ file: URL, publisherURL: String, expect: ContentExpectation, conditional: Bool) throws -> FetchResult {
        var path = file.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            path += "/index.html"
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExtractError(.notPublished, path: publisherURL, "not published (no \(path) in the mirror)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let validator = "\"\((attributes[.size] as? NSNumber)?.int64Value ?? 0)-\(Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0))\""
        if conditional, let cached = cache.record(for: publisherURL), cached.etag == validator {
            return FetchResult(url: publisherURL, path: cache.objectURL(cached.sha256).path, record: cached, notModified: true, attempts: 1)
        }
        try FileManager.default.createDirectory(at: cache.temporaryDirectory, withIntermediateDirectories: true)
        let part = cache.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).part")
        defer { try? FileManager.default.removeItem(at: part) }
        try FileManager.default.copyItem(atPath: path, toPath: part.path)
        let size = (try FileManager.default.attributesOfItem(atPath: part.path)[.size] as? NSNumber)?.int64Value ?? 0
        var transfer = Transfer()
        transfer.status = 200
        transfer.etag = validator
        transfer.written = size
        transfer.contentType = path.hasSuffix(".html") ? "text/html" : nil
        return try accept(part, transfer: transfer, publisherURL: publisherURL, expect: expect, attempts: 1)
    }

    // MARK: one HTTP exchange

    struct Transfer {
        var status = 0
        var reason: String?
        var etag: String?
        var lastModified: String?
        var contentType: String?
        var expectedLength: Int64?   // bytes this response should deliver
        var totalLength: Int64?      // the whole file's size
        var retryAfter: TimeInterval?
        var written: Int64 = 0       // bytes in the .part file after this response
        var rangeMismatch = false
        var error: String?           // a transport failure worth retrying
        var refusal: String?         // a policy refusal (redirect off the allow-list)
    }

    /// Runs one request, writing the body to `part` (appending from `appendFrom` when the server
    /// honours the range, else from zero). Blocks until the transfer ends.
    private func run(_ request: URLRequest, into part: URL, appendFrom: Int64?, deadline: Date, publisherURL: String) throws -> Transfer {
        let state = TransferState(part: part, appendFrom: appendFrom, maxBytes: policy.maxBytes, onProgress: onProgress)
        let task = session.dataTask(with: request)
        delegate.begin(task: task, state: state)
        task.resume()
        let remaining = deadline.timeIntervalSinceNow
        if state.done.wait(timeout: .now() + max(remaining, 0.1)) == .timedOut {
            task.cancel()
            _ = state.done.wait(timeout: .now() + 5)
            state.transfer.error = state.transfer.error ?? "the download took longer than \(Int(policy.maxTotalSeconds)) s"
        }
        delegate.end(task: task)
        state.close()
        if let failure = state.failure { throw failure }
        return state.transfer
    }

    /// Whether a redirect target is acceptable: inside the mirror, else the first URL's rules.
    func redirectRefusal(to url: URL?) -> String? {
        guard let url else { return "redirect without a location" }
        if let mirror, mirror.contains(url) { return nil }
        do {
            try checkAllowed(url, original: url.absoluteString)
            return nil
        } catch let error as ExtractError {
            return "redirect refused: \(error.reason) (to \(url.absoluteString))"
        } catch {
            return "redirect refused"
        }
    }
}

/// One transfer's mutable state, shared between the delegate queue and the caller.
final class TransferState: @unchecked Sendable {
    let part: URL
    let appendFrom: Int64?
    let maxBytes: Int64
    let onProgress: @Sendable (Int64, Int64?) -> Void
    var transfer = Downloader.Transfer()
    var handle: FileHandle?
    var failure: (any Error)?
    var redirects = 0
    let done = DispatchSemaphore(value: 0)

    init(part: URL, appendFrom: Int64?, maxBytes: Int64, onProgress: @escaping @Sendable (Int64, Int64?) -> Void) {
        self.part = part
        self.appendFrom = appendFrom
        self.maxBytes = maxBytes
        self.onProgress = onProgress
    }

    func close() {
        try? handle?.synchronize()
        try? handle?.close()
        handle = nil
    }
}

/// URLSession delegate routing callbacks to the transfer in progress.
final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    weak var owner: Downloader?
    private var states: [Int: TransferState] = [:]
    private let lock = NSLock()

    func begin(task: URLSessionTask, state: TransferState) {
        lock.lock(); states[task.taskIdentifier] = state; lock.unlock()
    }

    func end(task: URLSessionTask) {
        lock.lock(); states[task.taskIdentifier] = nil; lock.unlock()
    }

    private func state(_ task: URLSessionTask) -> TransferState? {
        lock.lock(); defer { lock.unlock() }
        return states[task.taskIdentifier]
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        guard let state = state(task), let owner else { return completionHandler(nil) }
        state.redirects += 1
        if state.redirects > owner.policy.maxRedirects {
            state.transfer.refusal = "too many redirects (more than \(owner.policy.maxRedirects))"
            return completionHandler(nil)
        }
        if let refusal = owner.redirectRefusal(to: request.url) {
            state.transfer.refusal = refusal
            return completionHandler(nil)
        }
        var next = request
        // Never carry credentials or cookies to another host.
        if request.url?.host != task.currentRequest?.url?.host {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
            next.setValue(nil, forHTTPHeaderField: "Cookie")
        }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        guard let state = state(dataTask), let http = response as? HTTPURLResponse else { return completionHandler(.cancel) }
        var t = state.transfer
        t.status = http.statusCode
        func header(_ name: String) -> String? { http.value(forHTTPHeaderField: name) }
        t.etag = header("ETag")
        t.lastModified = header("Last-Modified")
        t.contentType = header("Content-Type")
        t.retryAfter = header("Retry-After").flatMap(Self.parseRetryAfter)
        let encoded = header("Content-Encoding").map { $0.lowercased() != "identity" } ?? false
        let length = encoded ? nil : header("Content-Length").flatMap { Int64($0) }
        var start: Int64 = 0
        if http.statusCode == 206, let range = header("Content-Range") {
            // "bytes N-M/T"
            let parts = range.replacingOccurrences(of: "bytes ", with: "").split(separator: "/")
            let first = parts.first.flatMap { Int64($0.split(separator: "-").first ?? "") }
            t.totalLength = parts.count > 1 ? Int64(parts[1]) : nil
            if first != state.appendFrom { t.rangeMismatch = true }
            start = state.appendFrom ?? 0
            t.expectedLength = t.totalLength
        } else if http.statusCode == 200 {
            t.expectedLength = length
            t.totalLength = length
        }
        if let total = t.totalLength, total > state.maxBytes {
            t.error = nil
            state.transfer = t
            state.failure = ExtractError(.limitExceeded, path: response.url?.absoluteString ?? "", "the server announces \(total) bytes, over the \(state.maxBytes)-byte cap")
            return completionHandler(.cancel)
        }
        if (http.statusCode == 200 || http.statusCode == 206) && !t.rangeMismatch {
            if http.statusCode == 206 && start > 0, let handle = try? FileHandle(forWritingTo: state.part) {
                // Resume: keep the bytes already received, append after them.
                try? handle.truncate(atOffset: UInt64(start))
                try? handle.seek(toOffset: UInt64(start))
                state.handle = handle
            } else {
                // A 200 (even to a range request) is the whole file: start again from zero.
                if FileManager.default.createFile(atPath: state.part.path, contents: nil) {
                    state.handle = try? FileHandle(forWritingTo: state.part)
                } else {
                    state.failure = ExtractError(.io, path: state.part.path, "cannot create the download file")
                }
                start = 0
            }
            t.written = start
        }
        state.transfer = t
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let state = state(dataTask) else { return }
        guard let handle = state.handle else { return }  // an error body we do not keep
        do {
            try handle.write(contentsOf: data)
        } catch {
            let posix = (error as NSError).domain == NSPOSIXErrorDomain ? Int32((error as NSError).code)
                : ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? EIO
            state.failure = ExtractError.write(failed: posix, path: state.part.path, directory: state.part.deletingLastPathComponent().path,
                                               "writing the download of \(dataTask.originalRequest?.url?.absoluteString ?? "a file")")
            dataTask.cancel()
            return
        }
        state.transfer.written += Int64(data.count)
        state.onProgress(state.transfer.written, state.transfer.totalLength)
        if state.transfer.written > state.maxBytes {
            state.failure = ExtractError(.limitExceeded, path: dataTask.originalRequest?.url?.absoluteString ?? "", "the body passed the \(state.maxBytes)-byte cap")
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let state = state(task) else { return }
        if let error, state.failure == nil, state.transfer.refusal == nil {
            let nsError = error as NSError
            state.transfer.error = nsError.code == NSURLErrorTimedOut ? "timed out" : "connection error: \(nsError.localizedDescription)"
        }
        state.done.signal()
    }

    /// `Retry-After: 120` or an HTTP date.
    static func parseRetryAfter(_ value: String) -> TimeInterval? {
        if let seconds = TimeInterval(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}

/// A mirror of publisher hosts: `https://HOST/PATH` is fetched as `BASE/HOST/PATH` (an http(s)
/// server or a `file://` directory); provenance still records the publisher's URL. The mirror is
/// the only way to fetch from a loopback address, and nothing fetched through it may leave its
/// root: a URL or a page link is normalised and refused when it climbs out.
public struct Mirror: Sendable {
    public let base: URL

    public init?(_ base: String) {
        var text = base
        if !text.contains("://") { text = URL(fileURLWithPath: text).absoluteString }
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text) else { return nil }
        self.base = url
    }

    /// `https://HOST/PATH` → `BASE/HOST/PATH`; a query becomes one more path segment
    /// (`…/getReport?report=epraccur` → `BASE/HOST/…/getReport/report=epraccur`), so an API
    /// endpoint's answers can be saved as files. The path is percent-decoded and its `.` and `..`
    /// segments resolved first (a server or the file system would resolve them after us); a path
    /// that climbs above the host's root, or a segment holding an encoded `/`, `\` or NUL, is
    /// refused (`ExtractError.refused`, naming the URL).
    public func map(_ url: URL) throws -> URL {
        let original = url.absoluteString
        func refusal(_ why: String) -> ExtractError { ExtractError(.refused, path: original, "refused: \(why)") }
        guard let host = url.host?.lowercased(), let hostSegment = Self.segment(host), hostSegment != ".", hostSegment != ".." else {
            throw refusal("the host is not a plain name")
        }
        var segments: [String] = []
        let rawPath = URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? url.path
        for raw in rawPath.split(separator: "/") {
            guard let segment = Self.segment(String(raw)) else { throw refusal("the path holds an encoded '/', '\\' or NUL") }
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { throw refusal("the path leaves the mirror's root ('..' above the host)") }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        if let query = URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedQuery, !query.isEmpty {
            guard let segment = Self.segment(query), segment != ".", segment != ".." else {
                throw refusal("the query cannot be a file name")
            }
            segments.append(segment)
        }
        let relative = [hostSegment] + segments
        if base.isFileURL {
            let root = URL(fileURLWithPath: base.path).standardizedFileURL.path
            let target = URL(fileURLWithPath: root + "/" + relative.joined(separator: "/")).standardizedFileURL
            // Belt and braces: the segments above cannot climb, but the check is what the promise is.
            guard target.path.hasPrefix(root.hasSuffix("/") ? root : root + "/") else { throw refusal("the path leaves the mirror's root") }
            return target
        }
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: true) else { throw refusal("the mirror is not a URL") }
        var pathAllowed = CharacterSet.urlPathAllowed
        pathAllowed.remove(charactersIn: "/;")
        let encoded = relative.map { $0.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? $0 }
        components.percentEncodedPath = components.percentEncodedPath + "/" + encoded.joined(separator: "/")
        components.percentEncodedQuery = nil
        components.fragment = nil
        guard let target = components.url, contains(target) else { throw refusal("the path leaves the mirror's root") }
        return target
    }

    /// Whether `url` is inside this (http) mirror: same scheme, host and port, and a path under
    /// the base's path with no dot-segments or encoded separators. Redirects are followed only
    /// within the mirror or to allowed hosts.
    public func contains(_ url: URL) -> Bool {
        guard !base.isFileURL, url.scheme?.lowercased() == base.scheme?.lowercased(),
              url.host?.lowercased() == base.host?.lowercased(),
              Self.port(of: url) == Self.port(of: base) else { return false }
        func segments(_ url: URL) -> [String]? {
            let raw = URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? url.path
            var decoded: [String] = []
            for part in raw.split(separator: "/") {
                guard let segment = Self.segment(String(part)), segment != ".", segment != ".." else { return nil }
                decoded.append(segment)
            }
            return decoded
        }
        guard let inside = segments(url), let root = segments(base) else { return false }
        return inside.count > root.count && Array(inside.prefix(root.count)) == root
    }

    /// One percent-decoded path segment, or nil when it is malformed or would split into more
    /// (an encoded `/` or `\`) or end a C string early (NUL).
    private static func segment(_ raw: String) -> String? {
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty,
              !decoded.contains("/"), !decoded.contains("\\"), !decoded.contains("\0") else { return nil }
        return decoded
    }

    private static func port(of url: URL) -> Int? {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil)
    }
}
