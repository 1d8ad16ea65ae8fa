/// `pipeline COMMAND --help` and `pipeline help COMMAND`: each command's usage and every option
/// explained. The usage line (the first) is also printed under a usage error of that command.
enum CommandHelp {
    static let periods = "Periods: 2025-10 or 2025-10-01 (a month), 2023-24 (a financial year)."
    static let warehouse = """
          --database-url URL     the warehouse (else DATABASE_URL, Config/pipeline.json, PG* variables, the embedded PostgreSQL)
          --config FILE          settings file instead of Config/pipeline.json
          --log-format text|json log lines on stderr as text (default) or JSON Lines
          --log-level L          the least severe log line written: info (default), warning or error
          --quiet                nothing on stdout
        """
    static let fetching = """
          --mirror URL|DIR       fetch https://HOST/PATH from URL/HOST/PATH (a saved copy of the publisher's site)
          --cache-dir DIR        download cache (default ~/.cache/nhs-pipeline)
          --download-timeout S   give up on a connection silent this long, then retry
          --max-download-seconds S  longest one file may take, retries included
        """
    static let lock = "  --wait-lock            wait for another run's lock instead of exiting 73"

    static let texts: [String: String] = [
        "demo": """
            usage: pipeline demo [--mirror DIR]
            Loads every bundled publication (Fixtures/publisher) into the warehouse offline, then prints the revision log.
            A second run finds nothing new and writes nothing.
              --mirror DIR           another saved copy of the publisher's site
            \(warehouse)
            """,
        "refresh": """
            usage: pipeline refresh [SOURCE...] [--due] [--period P] [--dry-run] [--accept-anomalies] [--mirror URL] [--cache-dir DIR] [--wait-lock]
            Finds each source's newest edition (or P's), fetches what changed and loads it as one revision per dataset and period.
              SOURCE...              source ids (default: every source); `pipeline sources` lists them
              --due                  only sources whose next edition may be out (safe to run hourly from cron)
              --period P             that period's edition instead of the newest
              --dry-run              say what would be fetched and loaded; fetch and write nothing
              --accept-anomalies     load an edition that fails its dataset's quality gate (the breach is recorded)
            \(lock)
            \(fetching)
            \(warehouse)
            \(periods)
            """,
        "backfill": """
            usage: pipeline backfill SOURCE --from PERIOD --to PERIOD [--dry-run] [--force] [--accept-anomalies] [--mirror URL] [--wait-lock]
            Loads every edition of SOURCE in a range, oldest first; a failure stops it and a re-run resumes.
              --from P, --to P       the range, inclusive
              --dry-run              list the editions; fetch and write nothing
              --force                reload editions whose bytes were loaded before
              --accept-anomalies     load editions that fail their dataset's quality gate (the breach is recorded)
            \(lock)
            \(fetching)
            \(warehouse)
            \(periods)
            """,
        "load": """
            usage: pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run] [--accept-anomalies] [--wait-lock] [--database-url URL]
                   pipeline load SOURCE --url URL
            Loads files (CSV, zip, workbook) as one publication of SOURCE, with the same checks and provenance as a refresh.
              --period P             the period, for files that do not carry it (every row must be in it otherwise)
              --published D          the publication date to record (default: the file's date)
              --url URL              fetch one file by hand from an allowed host, then load it
              --dry-run              read and check the files (quality gates included); write nothing
              --accept-anomalies     load an edition that fails its dataset's quality gate (the breach is recorded)
            \(lock)
            \(warehouse)
            \(periods)
            """,
        "check": """
            usage: pipeline check SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD]
            Reads the files and runs every check a load runs against the warehouse, the quality gates included
            (organisations and measure totals against the comparable edition), then writes nothing.
              --period P             the period, for files that do not carry it
              --published D          the publication date to assume
            \(warehouse)
            """,
        "sources": "usage: pipeline sources [--json]\nEach source: newest period loaded, last check, next due, overdue.\n  --json                 JSON Lines\n\(warehouse)",
        "runs": "usage: pipeline runs [--limit N] [--json]\nThe run log, newest first.\n  --limit N              at most N runs\n  --json                 JSON Lines\n\(warehouse)",
        "status": "usage: pipeline status\nThe lock holder, failing and overdue sources; exit 3 when any source is failing or overdue.\n\(warehouse)",
        "revisions": """
            usage: pipeline revisions [SOURCE] [--period YYYY-MM-DD] [--dataset D] [--json]
            The revision log: every edition loaded, current or superseded, with its file, hash and counts.
              SOURCE                 one source's revisions
              --period P             one period's
              --dataset D            one dataset's
              --json                 JSON Lines
            \(warehouse)
            \(periods)
            """,
        "diff": """
            usage: pipeline diff SOURCE PERIOD [--dataset D] [--from REV] [--to REV] [--all] [--json]
            What a republication changed: rows added, changed (old → new) and removed between two revisions of a period.
              --dataset D            one dataset of the source
              --from REV, --to REV   the revisions to compare (default: the one before the current, and the current)
              --all                  every row of a first edition, not only its count
              --json                 JSON Lines
            \(warehouse)
            \(periods)
            """,
        "show": """
            usage: pipeline show SOURCE PERIOD [--as-published YYYY-MM-DD] [--practice CODE] [--json]
            The rows the api serves for a period, or as they were published on a date.
              --as-published D       as published on that date (earlier editions)
              --practice CODE        one practice's rows
              --json                 JSON Lines
            \(warehouse)
            \(periods)
            """,
        "rollback": "usage: pipeline rollback REVISION [--wait-lock]\nWithdraws an edition: the one before it becomes current again (recorded as a new step).\n\(lock)\n\(warehouse)",
        "inspect": """
            usage: pipeline inspect PATH [--entry NAME] [--sheet NAME] [--rows N|all] [--cat] [--json] [--encoding utf-8|windows-1252] [--max-field-bytes N]
            Looks inside a zip, CSV or workbook without a database.
              --entry NAME           an archive entry
              --sheet NAME           a workbook sheet
              --rows N|all           print the first N records (or all) as JSON arrays
              --cat                  write the entry's bytes to stdout after its CRC check
              --json                 JSON output
              --encoding E           the CSV's encoding (default utf-8)
              --max-field-bytes N    longest CSV field accepted
            """,
        "migrate": "usage: pipeline migrate [--database-url URL]\nApplies schema migrations and the declared schema, then creates the reader and loader roles (or prints the SQL a DBA runs).\n\(warehouse)",
        "db": """
            usage: pipeline db start|stop|status|url|psql [-- PSQL-ARGS...]
            The embedded PostgreSQL (.pipeline/postgres), used when no database is configured.
              start | stop           start or stop it
              status                 running (exit 0), or stopped / not created (exit 3)
              url                    the warehouse's connection string, without a password
              psql [-- ARGS]         psql on the warehouse
            """,
        "config": "usage: pipeline config\nEvery setting, its value and where it came from (flag, variable, Config/pipeline.json, default).",
    ]

    /// The command's help, or nil for an unknown command.
    static func text(for command: String) -> String? { texts[command] }

    /// The first line of the command's help.
    static func usageLine(_ command: String) -> String? {
        texts[command].map { String($0.prefix { $0 != "\n" }) }
    }
}
