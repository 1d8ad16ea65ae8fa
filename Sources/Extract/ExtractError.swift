import Foundation

/// An error raised while reading an archive or fetching a publication.
///
/// `description` is one stable line that names the file (and the archive entry when there is
/// one), so a user can act on it and tests can assert it verbatim:
/// `Practice_Level_Crosstab_Oct_25.zip:Mapping.csv: checksum mismatch (CRC-32 in header 1a2b3c4d, data 5e6f7a8b)`.
public struct ExtractError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in the terms a caller needs to decide what to do next.
    public enum Code: String, Sendable, Equatable {
        case notZip              // the bytes are not a zip archive at all (HTML pages included)
        case truncated           // a zip whose end or an entry is missing
        case corrupt             // a zip whose structures contradict each other
        case unsafeName          // an entry name that could escape a directory
        case duplicateName
        case encrypted
        case unsupportedMethod
        case headerMismatch      // central directory and local header disagree
        case checksumMismatch
        case sizeMismatch
        case limitExceeded       // an inflate cap or ratio tripped
        case notFound            // a requested entry or file is not there
        case empty               // an archive with no entries
        case io                  // the operating system refused a read or write
        case noSpace             // a local disk (cache, temporary files) is full: worth retrying once space is freed
        case http                // a download failed in a way retries did not fix
        case transient           // a download failed in a way worth retrying later
        case notPublished        // the publisher has no such file (yet)
        case refused             // a URL or redirect outside the allowed hosts/schemes
        case discovery           // a publication page could not be read as expected
    }

    public let code: Code
    /// The file as the user named it (an archive, a download URL, a page).
    public let path: String
    /// The archive entry concerned, when there is one.
    public let entry: String?
    /// Lower-case reason text, free of bind values and secrets.
    public let reason: String

    public init(_ code: Code, path: String, entry: String? = nil, _ reason: String) {
        self.code = code
        self.path = path
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        if let entry { return "\(path):\(entry): \(reason)" }
        return "\(path): \(reason)"
    }

    /// True when a download is worth retrying at once (network trouble, a server error). A full
    /// disk is worth a later run, not an immediate retry.
    public var isTransient: Bool { code == .transient }

    /// The error for a failed write into `directory`: `.noSpace` naming the directory when the
    /// disk is full (ENOSPC, EDQUOT), else `.io`.
    public static func write(failed errorNumber: Int32, path: String, directory: String, _ what: String) -> ExtractError {
        if errorNumber == ENOSPC || errorNumber == EDQUOT {
            return ExtractError(.noSpace, path: directory, "no space left on the disk holding this directory while \(what); free space there (or point the setting elsewhere) and run again")
        }
        return ExtractError(.io, path: path, "\(what) failed: \(String(cString: strerror(errorNumber)))")
    }
}
