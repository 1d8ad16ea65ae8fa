import Transform

/// OHID Fingertips (public health profiles), GP practices (area type 7), read through its API.
///
/// Which indicators are followed is configuration: a profile (default 20, the National General
/// Practice Profiles) whose indicator metadata (`indicator_metadata/by_profile_id`, a JSON
/// object keyed by indicator id) is the index; each indicator's `DataChange.LastUploadedAt`
/// is its change marker, kept with the bytes loaded (`etl.change_markers`). Each indicator's
/// data is one CSV (`all_data/csv/by_indicator_id`), fetched through the shared downloader
/// (retries, cache, conditional requests); an indicator whose upload did not move costs no
/// request at all (the index is the one small request of a refresh that finds nothing new).
///
/// One indicator's file is one segment: the indicator is the segment's key and the practice a
/// dimension, because every indicator file lists every practice (practices as segment keys
/// would put one practice in many files of one edition). The period is the snapshot (the day
/// the index was read); the publisher's own time period (`2019`, `2022/23`, `2022/23 Q1`) is
/// kept as published beside a sortable start date. Only `Area Type` = `GP` rows are kept: the
/// England row, which appears twice (once without a parent, once as its own parent), is the
/// comparator, not a practice. The comparison column is named after the parent area type
/// (`Compared to England value or percentiles`, `Compared to ICB value or percentiles`, …), so
/// it is read under each of those spellings. A blank value is NULL; `Value note` says why.
public struct Fingertips: SourceDeclaration {
    public let id = "fingertips"
    public let title = "OHID Fingertips public health profiles (GP practices)"
    public let periodKind = ReportingPeriod.Kind.snapshot
    public let cadence = Cadence(every: "month", expectedAfterDays: 0, publishedWithinDays: 31)
    public let hosts = ["fingertips.phe.org.uk"]
    public let files = [
        FileFamily("indicator data (GP practices)", match: ["fingertips-indicator-*.csv"], datasets: ["fingertips-values"]),
    ]
    /// The profile whose indicators are followed (20: National General Practice Profiles).
    public let profile: Int
    /// The parent area type the comparison column is against (15: England).
    public let parentAreaType: Int

    public init(profile: Int = 20, parentAreaType: Int = 15) {
        self.profile = profile
        self.parentAreaType = parentAreaType
    }

    public var listing: EditionListing {
        .webAPI(WebAPIListing(
            indexURL: "https://fingertips.phe.org.uk/api/indicator_metadata/by_profile_id?profile_id=\(profile)",
            idField: "IID", changeField: "DataChange.LastUploadedAt",
            dataURL: "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids={id}&child_area_type_id=7"
                + "&parent_area_type_id=\(parentAreaType)",
            fileName: Self.fileName))
    }

    /// One indicator's data file, as the revision log and `etl.change_markers` name it.
    static let fileNamePrefix = "fingertips-indicator-", fileNameSuffix = ".csv"
    static let fileName = fileNamePrefix + "{id}" + fileNameSuffix

    public static let values = DatasetSpec(
        id: "fingertips-values", source: "fingertips", title: "Fingertips indicator values per GP practice (all_data/csv)",
        table: "fingertips_values", periodKind: .snapshot,
        dimensions: ["practice", "sex", "age", "category_type", "category", "time_period"].map { .init($0) },
        measures: [.init("value", .decimal), .init("lower_ci95", .decimal), .init("upper_ci95", .decimal),
                   .init("lower_ci998", .decimal), .init("upper_ci998", .decimal), .init("count", .decimal),
                   .init("denominator", .decimal), .init("value_note"), .init("recent_trend"), .init("compared_to_parent"),
                   .init("compared_to_percentiles"), .init("time_period_sortable", .integer), .init("time_period_range"),
                   .init("new_data"), .init("compared_to_goal"), .init("practice_name"), .init("parent_code"), .init("parent_name")],
        attributes: [.init("indicator_name")])

    public var datasets: [DatasetSpec] { [Self.values] }

    typealias C = CSVLayout.Column

    /// The comparison column under each parent area type Fingertips names it after.
    static let comparedToParent = C(
        "Compared to England value or percentiles", "Compared to ICB value or percentiles",
        "Compared to Sub-ICB value or percentiles", "Compared to PCN value or percentiles",
        "Compared to CCG value or percentiles", "Compared to Region value or percentiles",
        "Compared to ICB sub-locations value or percentiles", "Compared to Primary Care Networks value or percentiles")

    static let layout = CSVLayout(
        org: C("Indicator ID"), key: .code, period: .external,
        dimensions: [C("Area Code"), C("Sex"), C("Age"), C("Category Type"), C("Category"), C("Time period")],
        measures: [C("Value"), C("Lower CI 95.0 limit"), C("Upper CI 95.0 limit"), C("Lower CI 99.8 limit"),
                   C("Upper CI 99.8 limit"), C("Count"), C("Denominator"), C("Value note"), C("Recent Trend"), comparedToParent,
                   C("Compared to percentiles", required: false), C("Time period Sortable"), C("Time period range", required: false),
                   C("New data", required: false), C("Compared to goal", "Target data", required: false), C("Area Name"),
                   C("Parent Code"), C("Parent Name")],
        attributes: [C("Indicator Name")],
        ignored: [C("Area Type")],
        filters: [.init(C("Area Type"), keep: ["GP"])])

    public func recognise(fileName: String, firstRecord: [String]) throws -> FileReading {
        let header = Set(firstRecord.map(CSVLayout.normalize))
        // Only what says "this is a data CSV" is checked here; every other column is the
        // layout's to name when missing (file, line 1, the column).
        guard header.contains("INDICATOR_ID") && header.contains("AREA_CODE") else {
            throw TransformError(.unsupported, file: fileName, "not a Fingertips indicator data CSV (no Indicator ID and Area Code columns)")
        }
        return FileReading(spec: Self.values, layout: Self.layout)
    }

    /// The first day of the publisher's time period: a financial year (`2022/23`) starts in
    /// April and its quarter (`2022/23 Q2`) three months per quarter later; otherwise the
    /// sortable form `YYYYMM..` gives the year and month (month 00 is January).
    static let periodStart = """
        CASE WHEN u.time_period ~ '^[0-9]{4}/[0-9]{2} Q[1-4]$'
             THEN (make_date(left(u.time_period, 4)::int, 4, 1) + (right(u.time_period, 1)::int - 1) * interval '3 months')::date
             WHEN u.time_period ~ '^[0-9]{4}/[0-9]{2}'
             THEN make_date(left(u.time_period, 4)::int, 4, 1)
             WHEN u.time_period_sortable IS NOT NULL
             THEN make_date((u.time_period_sortable / 10000)::int, greatest(((u.time_period_sortable / 100) % 100)::int, 1), 1)
        END
        """

    public var apiObjects: [APIObject] {
        [
            APIObject(
                "fingertips_values",
                comment: "OHID Fingertips indicator values per GP practice (all_data/csv/by_indicator_id, child area type 7), "
                    + "the current snapshot of each indicator; England's comparator rows are not included",
                rows: .derived(table: "fingertips_value_rows"),
                columns: [
                    APIColumn("snapshot", .field("snapshot"), "The day the indicator was fetched (the snapshot the row belongs to)"),
                    APIColumn("indicator", .field("indicator"), "Fingertips indicator id (Indicator ID)"),
                    APIColumn("indicator_name", .field("indicator_name"), "Indicator name as published"),
                    APIColumn("practice", .field("practice"), "Practice ODS code (Area Code)"),
                    APIColumn("practice_name", .field("practice_name"), "Practice name as published (Area Name)"),
                    APIColumn("pcn", .field("pcn"), "Current PCN code from the practice directory (ODS); NULL when unknown"),
                    APIColumn("icb", .field("icb"), "Current ICB code from the practice directory; NULL when unknown"),
                    APIColumn("period", .field("period"), "The publisher's time period as published (2019, 2022/23, 2022/23 Q1)"),
                    APIColumn("period_start", .field("period_start"),
                              "First day of the time period (financial years from 1 April, their quarters 3 months apart), for sorting"),
                    APIColumn("time_period_sortable", .field("time_period_sortable"), "Time period Sortable as published"),
                    APIColumn("sex", .field("sex"), "Sex as published (Persons, Male, Female)"),
                    APIColumn("age", .field("age"), "Age band as published"),
                    APIColumn("category_type", .field("category_type"), "Category type as published; empty when none"),
                    APIColumn("category", .field("category"), "Category as published; empty when none"),
                    APIColumn("value", .field("value"), "The indicator value (units per indicator); NULL when not published (see value_note)"),
                    APIColumn("lower_ci95", .field("lower_ci95"), "Lower 95.0% confidence limit; NULL when not published"),
                    APIColumn("upper_ci95", .field("upper_ci95"), "Upper 95.0% confidence limit; NULL when not published"),
                    APIColumn("lower_ci998", .field("lower_ci998"), "Lower 99.8% confidence limit; NULL when not published"),
                    APIColumn("upper_ci998", .field("upper_ci998"), "Upper 99.8% confidence limit; NULL when not published"),
                    APIColumn("count", .field("count"), "Numerator count; NULL when not published"),
                    APIColumn("denominator", .field("denominator"), "Denominator; NULL when not published"),
                    APIColumn("value_note", .field("value_note"), "Value note as published (why a value is missing or qualified)"),
                    APIColumn("compared_to_parent", .field("compared_to_parent"),
                              "The comparison with the parent area (the column named Compared to <parent> value or percentiles)"),
                    APIColumn("parent_code", .field("parent_code"), "Parent area code as published"),
                    APIColumn("revision", .field("revision"), "The revision whose file this row was read from"),
                    APIColumn("line", .field("line"), "The line of the indicator's CSV the row was read from"),
                ],
                filters: ["indicator", "practice", "pcn", "icb", "period"],
                key: ["indicator", "practice", "sex", "age", "category_type", "category", "period"]),
            APIObject(
                "fingertips_indicators",
                comment: "OHID Fingertips indicators loaded (one row per indicator followed), from the indicator data CSVs",
                // `last_uploaded` is read from the marker held now: the same bytes re-uploaded
                // under a moved LastUploadedAt write no revision but do move the marker.
                rows: .query("""
                    SELECT l.indicator, l.indicator_name, l.profile, l.snapshot,
                           coalesce(\(Self.markerTimestamp("m.marker")), l.last_uploaded) AS last_uploaded,
                           l.practices, l.periods, l.revision
                    FROM data.fingertips_indicator_list l
                    LEFT JOIN etl.change_markers m ON m.source = 'fingertips' AND m.name = \(Self.markerName(of: "l.indicator"))
                    """),
                columns: [
                    APIColumn("indicator", .field("indicator"), "Fingertips indicator id"),
                    APIColumn("indicator_name", .field("indicator_name"), "Indicator name as published"),
                    APIColumn("profile", .field("profile"), "The profile id the indicator was followed under (20: National General Practice Profiles)"),
                    APIColumn("snapshot", .field("snapshot"), "The day the indicator's current data was fetched"),
                    APIColumn("last_uploaded", .field("last_uploaded"),
                              "The indicator's DataChange.LastUploadedAt in the index, as last seen with the bytes of its current data (as published, UK time)"),
                    APIColumn("practices", .field("practices"), "Practices with a row for the indicator"),
                    APIColumn("periods", .field("periods"), "Time periods published for the indicator, as published, comma-separated"),
                    APIColumn("revision", .field("revision"), "The revision whose file this row was read from"),
                ],
                filters: ["indicator", "profile"],
                key: ["indicator"]),
        ]
    }

    /// The file name of indicator `v.org` in SQL (the declared name around the id), to find the
    /// change marker its data was fetched under.
    static func markerName(of indicator: String) -> String { "'\(fileNamePrefix)' || \(indicator) || '\(fileNameSuffix)'" }

    /// The marker as a timestamp when it is one (LastUploadedAt), else NULL.
    static func markerTimestamp(_ marker: String) -> String {
        "CASE WHEN \(marker) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$' THEN \(marker)::timestamp END"
    }

    /// Each indicator with current data; `last_uploaded` is the index's marker (LastUploadedAt)
    /// held with the bytes those rows came from.
    var indicatorListRebuild: [String] {
        [
            "DELETE FROM data.fingertips_indicator_list",
            """
            INSERT INTO data.fingertips_indicator_list (indicator, indicator_name, profile, snapshot, last_uploaded, practices, periods, revision)
            SELECT DISTINCT ON (v.org) v.org, v.indicator_name, '\(profile)', v.period,
                   \(Self.markerTimestamp("m.marker")),
                   (SELECT count(DISTINCT p) FROM unnest(v.practice) p),
                   (SELECT string_agg(DISTINCT t, ',' ORDER BY t) FROM unnest(v.time_period) t), v.revision_id
            FROM data.fingertips_values v
            LEFT JOIN etl.change_markers m ON m.source = 'fingertips' AND m.name = \(Self.markerName(of: "v.org"))
            WHERE v.valid_to IS NULL
            ORDER BY v.org, v.period DESC
            """,
        ]
    }

    /// The indicators current in snapshot `$1` replace their rows (an indicator not fetched that
    /// day keeps the rows of the snapshot that last loaded it), with PCN and ICB from the
    /// practice directory.
    static let valueRowsRebuild: [String] = [
        """
        DELETE FROM data.fingertips_value_rows r
        WHERE r.indicator IN (SELECT v.org FROM data.fingertips_values v WHERE v.valid_to IS NULL AND v.period = $1::date)
        """,
        """
        INSERT INTO data.fingertips_value_rows
            (snapshot, indicator, indicator_name, practice, practice_name, pcn, icb, period, period_start, time_period_sortable, sex, age,
             category_type, category, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, value_note,
             compared_to_parent, parent_code, revision, line)
        SELECT v.period, v.org, v.indicator_name, u.practice, u.practice_name, d.pcn, d.icb, u.time_period, \(periodStart),
               u.time_period_sortable, coalesce(u.sex, ''), coalesce(u.age, ''), coalesce(u.category_type, ''), coalesce(u.category, ''), u.value, u.lower_ci95, u.upper_ci95, u.lower_ci998,
               u.upper_ci998, u.count, u.denominator, u.value_note, u.compared_to_parent, u.parent_code, v.revision_id, u.line
        FROM data.fingertips_values v
        CROSS JOIN LATERAL unnest(v.practice, v.practice_name, v.time_period, v.time_period_sortable, v.sex, v.age, v.category_type,
                                  v.category, v.value, v.lower_ci95, v.upper_ci95, v.lower_ci998, v.upper_ci998, v.count,
                                  v.denominator, v.value_note, v.compared_to_parent, v.parent_code, v.line)
            AS u(practice, practice_name, time_period, time_period_sortable, sex, age, category_type, category, value, lower_ci95,
                 upper_ci95, lower_ci998, upper_ci998, count, denominator, value_note, compared_to_parent, parent_code, line)
        LEFT JOIN data.practice_directory d ON d.ods_code = u.practice
        WHERE v.valid_to IS NULL AND v.period = $1::date
        """,
    ]

    /// The practice directory changed (ODS or a practice map loaded): PCN and ICB again, written
    /// only where they differ.
    static let directoryUpdate = """
        UPDATE data.fingertips_value_rows r SET pcn = d.pcn, icb = d.icb
        FROM data.fingertips_value_rows x LEFT JOIN data.practice_directory d ON d.ods_code = x.practice
        WHERE r.ctid = x.ctid AND (r.pcn, r.icb) IS DISTINCT FROM (d.pcn, d.icb)
        """

    /// `last_uploaded` was the revision's publication date (a date) before it was the index's
    /// LastUploadedAt: the column becomes a timestamp (the view over it is dropped first; the
    /// `api` schema is rebuilt right after the upgrades). Rows keep their date until the
    /// indicator's next load records its marker.
    public var upgrades: [String] {
        [
            "DROP VIEW IF EXISTS api.fingertips_indicators CASCADE",
            "ALTER TABLE data.fingertips_indicator_list ALTER COLUMN last_uploaded TYPE timestamp",
        ]
    }

    public var derivedTables: [DerivedTable] {
        [
            DerivedTable(
                "fingertips_value_rows",
                comment: "Current Fingertips values, one per published GP row, with PCN and ICB (behind api.fingertips_values)",
                definition: """
                    CREATE TABLE data.fingertips_value_rows (
                        snapshot date NOT NULL, indicator text NOT NULL, indicator_name text, practice text NOT NULL, practice_name text,
                        pcn text, icb text, period text NOT NULL, period_start date, time_period_sortable bigint, sex text NOT NULL,
                        age text NOT NULL, category_type text NOT NULL, category text NOT NULL, value numeric, lower_ci95 numeric,
                        upper_ci95 numeric, lower_ci998 numeric, upper_ci998 numeric, count numeric, denominator numeric, value_note text,
                        compared_to_parent text, parent_code text, revision bigint NOT NULL, line integer NOT NULL,
                        PRIMARY KEY (indicator, practice, sex, age, category_type, category, period)
                    );
                    CREATE INDEX fingertips_value_rows_practice ON data.fingertips_value_rows (practice);
                    CREATE INDEX fingertips_value_rows_pcn ON data.fingertips_value_rows (pcn) WHERE pcn IS NOT NULL;
                    CREATE INDEX fingertips_value_rows_icb ON data.fingertips_value_rows (icb) WHERE icb IS NOT NULL;
                    CREATE INDEX fingertips_value_rows_period ON data.fingertips_value_rows (period);
                    """,
                refreshes: [
                    .init(after: .activated(dataset: Self.values.id), Self.valueRowsRebuild),
                    .init(after: .activated(dataset: Ods.practices.id), [Self.directoryUpdate]),
                    .init(after: .activated(dataset: Ods.members.id), [Self.directoryUpdate]),
                    .init(after: .activated(dataset: ListSizes.map.id), [Self.directoryUpdate]),
                ]),
            DerivedTable(
                "fingertips_indicator_list",
                comment: "Fingertips indicators with current data, one row each (behind api.fingertips_indicators)",
                definition: """
                    CREATE TABLE data.fingertips_indicator_list (
                        indicator text PRIMARY KEY, indicator_name text, profile text NOT NULL, snapshot date NOT NULL,
                        last_uploaded timestamp, practices integer NOT NULL, periods text, revision bigint NOT NULL
                    );
                    CREATE INDEX fingertips_indicator_list_profile ON data.fingertips_indicator_list (profile);
                    """,
                refreshes: [.init(after: .activated(dataset: Self.values.id), indicatorListRebuild)]),
        ]
    }
}
