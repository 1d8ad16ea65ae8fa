import Extract
import Foundation
import Transform

/// The downloader for an operation: cache directory, mirror, hosts and timeouts from the settings.
public enum NetworkSetup {
    /// Flags of the commands that fetch.
    public static let options: Set<String> = ["mirror", "cache-dir", "download-timeout", "max-download-seconds"]

    public static func downloader(_ settings: Settings, hosts: Set<String>, log: Log) throws -> Downloader {
        let cache = DownloadCache(root: settings.cacheDirectory)
        cache.removeStalePartials()
        var policy = DownloadPolicy(allowedHosts: hosts)
        policy.idleTimeout = settings.seconds(.downloadIdleTimeout)
        policy.maxTotalSeconds = settings.seconds(.downloadMaxSeconds)
        policy.maxAttempts = max(1, settings.int(.downloadMaxAttempts))
        policy.backoffBase = settings.seconds(.backoffBase)
        policy.maxBytes = Int64(settings.int(.downloadMaxBytes))
        var mirror: Mirror?
        if let base = settings.text(.mirror), !base.isEmpty {
            Secrets.register(DatabaseTarget.password(in: base))  // a mirror URL may carry credentials too
            guard let parsed = Mirror(base) else { throw UsageError("mirror must be a URL or a directory, not '\(base)' (from \(settings[.mirror].origin))") }
            mirror = parsed
        }
        let downloader = Downloader(cache: cache, policy: policy, mirror: mirror)
        downloader.onRetry = { event in
            log.warning("fetch.retry", "retrying \(event.url) in \(String(format: "%.1f", event.waitSeconds)) s after \(event.problem) (attempt \(event.attempt))",
                        [("stage", .string("fetch")), ("url", .string(event.url)), ("attempt", .int(event.attempt)),
                         ("wait_s", .double((event.waitSeconds * 10).rounded() / 10)), ("problem", .string(event.problem))])
        }
        return downloader
    }
}
