/// Where a source's editions are listed: the shape of the publisher's site, as data. Extract
/// turns each shape into an `EditionFinder` (one file per shape under Extract/Discovery).
public enum EditionListing: Sendable {
    /// A digital.nhs.uk series page linking one page per edition. The edition page's last path
    /// segment fits one of `editionSlugs` (`{month}-{yyyy}`, `{mon}-{yyyy}`, `{yyyy}-{yy}`,
    /// `england-{yyyy}-{yy}`, `{dd}-{month}-{yyyy}`), which gives its period.
    case digitalNHSSeries(url: String, editionSlugs: [String])
    /// Fixed URLs that always serve the current state, one file each (ODS): each fetch is a
    /// snapshot of the period containing the day it was fetched.
    case fixedDownloads([FixedDownload])
    /// A JSON web API: an index request (paged or not) naming items and when each last
    /// changed, and one data request per item (Fingertips indicators; CQC locations).
    case webAPI(WebAPIListing)
    /// Another site's page of download links, one group of files per period (the GP Patient
    /// Survey's `SurveysAndReports` page).
    case downloadPage(DownloadPageListing)

    /// The request headers whose values come from the environment (none but a web API's).
    public var secretHeaders: [WebAPIListing.SecretHeader] {
        if case .webAPI(let api) = self { return api.secretHeaders }
        return []
    }

    /// The page or endpoint a person would open to see what is published.
    public var entryURL: String {
        switch self {
        case .digitalNHSSeries(let url, _): return url
        case .fixedDownloads(let downloads): return downloads.first?.url ?? ""
        case .webAPI(let api): return api.indexURL
        case .downloadPage(let page): return page.url
        }
    }
}

/// One fixed URL and the name its file is known by (the URL's last segment may be an API
/// endpoint such as `getReport`).
public struct FixedDownload: Sendable, Equatable {
    public let url: String
    public let name: String

    public init(url: String, name: String) {
        self.url = url
        self.name = name
    }
}

/// A JSON web API listed item by item. The edition is a snapshot (the day it is fetched); each
/// item is one file of it, fetched only when its change marker moved since the last load.
public struct WebAPIListing: Sendable, Equatable {
    /// The index request. `{page}` is replaced by the page number when `paging` is set.
    public let indexURL: String
    public let paging: Paging?
    /// The path to the array of items in the index response (`["locations"]`); empty when the
    /// response is the array itself.
    public let itemsPath: [String]
    /// The item's identifier field (`IID`, `locationId`).
    public let idField: String
    /// A dotted path to the item's last-changed marker (`DataChange.LastUploadedAt`); nil when
    /// the API has none (every item is fetched, with conditional requests).
    public let changeField: String?
    /// The data request per item; `{id}` is replaced by the item's identifier.
    public let dataURL: String
    /// The name the item's file is known by (`{id}` replaced), which file families match.
    public let fileName: String
    /// Request headers whose values come from environment variables, never from argv or
    /// files: (header, variable), e.g. (`Ocp-Apim-Subscription-Key`, `CQC_API_KEY`).
    public let secretHeaders: [SecretHeader]

    public struct Paging: Sendable, Equatable {
        /// The response field holding the number of pages (`totalPages`).
        public let totalPagesField: String
        public let firstPage: Int

        public init(totalPagesField: String, firstPage: Int = 1) {
            self.totalPagesField = totalPagesField
            self.firstPage = firstPage
        }
    }

    public struct SecretHeader: Sendable, Equatable {
        public let header: String
        public let environmentVariable: String
        /// When false, the source is skipped (with a message) if the variable is unset.
        public let required: Bool

        public init(header: String, environmentVariable: String, required: Bool = true) {
            self.header = header
            self.environmentVariable = environmentVariable
            self.required = required
        }
    }

    public init(indexURL: String, paging: Paging? = nil, itemsPath: [String] = [], idField: String, changeField: String? = nil,
                dataURL: String, fileName: String, secretHeaders: [SecretHeader] = []) {
        self.indexURL = indexURL
        self.paging = paging
        self.itemsPath = itemsPath
        self.idField = idField
        self.changeField = changeField
        self.dataURL = dataURL
        self.fileName = fileName
        self.secretHeaders = secretHeaders
    }
}

/// A page on another site linking data files for several periods. Each link's file name (or
/// its URL path) fits one of `periodTemplates` (`GPPS_{yyyy}_*`, `*/downloads/{yyyy}/*`), which
/// gives the period; links that fit none are left alone.
public struct DownloadPageListing: Sendable, Equatable {
    public let url: String
    public let periodTemplates: [String]

    public init(url: String, periodTemplates: [String]) {
        self.url = url
        self.periodTemplates = periodTemplates
    }
}
