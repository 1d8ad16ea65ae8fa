import Foundation
import TestSupport
import XCTest

/// The command line as a new user meets it: every command explains itself (`COMMAND --help`,
/// `help COMMAND`), a typo gets the nearest command, option or source suggested with the
/// command's usage line, and options every command shares work before the command word too.
final class CommandLineHelpTests: XCTestCase {
    static let commands = ["demo", "refresh", "backfill", "load", "sources", "runs", "status", "revisions", "diff", "show", "rollback",
                           "inspect", "migrate", "db", "config", "check"]

    func testEveryCommandExplainsItselfBothWays() throws {
        for command in Self.commands {
            let viaFlag = try Run.pipeline([command, "--help"])
            XCTAssertEqual(viaFlag.status, 0, "\(command) --help: \(viaFlag.stderr)")
            XCTAssertTrue(viaFlag.stdout.hasPrefix("usage: pipeline \(command)"), viaFlag.stdout)
            XCTAssertEqual(try Run.pipeline(["help", command]).stdout, viaFlag.stdout, "help \(command)")
        }
        // Every option a command's usage line names is explained on a line of its own.
        for command in Self.commands {
            let help = try Run.pipeline([command, "--help"]).stdout
            let usage = help.prefix { $0 != "\n" }
            let options = usage.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }.filter { $0.hasPrefix("--") && $0.count > 2 }
            for option in options {
                XCTAssertTrue(help.split(separator: "\n").dropFirst().contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(option) || $0.contains(", \(option)") },
                              "\(command): \(option) is explained")
            }
        }
        let refresh = try Run.pipeline(["refresh", "--help"]).stdout
        XCTAssertTrue(refresh.contains("--due                  only sources whose next edition may be out"), refresh)
    }

    func testATypoGetsTheNearestCommandOptionOrSourceSuggested() throws {
        let command = try Run.pipeline(["refesh"])
        XCTAssertEqual(command.status, 64)
        XCTAssertTrue(command.stderr.hasPrefix("error: unknown command 'refesh' (did you mean 'refresh'?)\nusage: pipeline COMMAND"), command.stderr)

        let option = try Run.pipeline(["load", "list-sizes", "x.csv", "--perod", "2025-10"])
        XCTAssertEqual(option.status, 64)
        XCTAssertEqual(option.stderrLines, ["error: unknown option --perod (did you mean '--period'?)",
                                             "usage: pipeline load SOURCE FILE... [--period YYYY-MM-DD] [--published YYYY-MM-DD] [--dry-run] [--accept-anomalies] [--wait-lock] [--database-url URL]",
                                             "(pipeline load --help explains every option)"])

        let h = try Harness()
        let source = try h.pipeline("revisions", "list-size")
        XCTAssertEqual(source.status, 64)
        XCTAssertTrue(source.stderr.hasPrefix("error: unknown source 'list-size' (did you mean 'list-sizes'?)"), source.stderr)
        // Far from everything: no guess.
        XCTAssertFalse(try Run.pipeline(["zzzzzzzz"]).stderr.contains("did you mean"))
    }

    func testSharedOptionsAreAcceptedBeforeTheCommand() throws {
        let h = try Harness()
        h.extraEnvironment["DATABASE_URL"] = ""
        let result = try Run.program(Run.pipelinePath, ["--database-url", h.database.url, "revisions", "--json"],
                                     environment: ["PIPELINE_CACHE_DIR": h.cache.path], removingEnvironment: ["DATABASE_URL"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try h.database.value("SELECT to_regclass('etl.revisions') IS NOT NULL"), "t", "the named database was used")
    }

    /// One reading of a period everywhere: `2026/03` is refused alike by load, revisions and
    /// diff (not read as March 2026 by one and April 2025 by another); `2023/24` is a financial year.
    func testEveryCommandReadsPeriodsOneWay() throws {
        let h = try Harness()
        let refusal = "looks like \(["2026-03 or 2026-03-01 (a month)", "2023-24 or 2023/24 (a financial year)"].joined(separator: ", "))"
        for arguments in [["load", "list-sizes", Fixtures.registrations("gp-reg-pat-prac-all_2025-10.csv"), "--period", "2026/03"],
                          ["revisions", "list-sizes", "--period", "2026/03"], ["diff", "list-sizes", "2026/03"], ["show", "list-sizes", "2026/03"],
                          ["backfill", "list-sizes", "--from", "2026/01", "--to", "2026-03"]] {
            let result = try h.pipeline(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("not '2026/") && result.stderr.contains(refusal), "\(arguments): \(result.stderr)")
        }
        let wrongKind = try h.pipeline("revisions", "qof", "--period", "2023-10")
        XCTAssertEqual(wrongKind.status, 64)
        XCTAssertTrue(wrongKind.stderr.hasPrefix("error: '2023-10' is a month, but this source's periods are financial years"), wrongKind.stderr)
        XCTAssertEqual(try h.pipeline("revisions", "qof", "--period", "2023/24").status, 0)
        XCTAssertEqual(try h.pipeline("load", "nhs-payments", Fixtures.path("samples/payments/nhspaymentsgp_22-23_first2000.csv"), "--period", "2022/23").status, 0)
        XCTAssertEqual(try h.database.value("SELECT DISTINCT year FROM api.nhs_payments_practices"), "2022/23")
    }

    func testLogLevelDropsLinesBelowIt() throws {
        let h = try Harness()
        let (_, server) = try h.servePublisherSite()
        defer { _ = server }
        let arguments = ["backfill", "list-sizes", "--from", "2026-01", "--to", "2026-03", "--dry-run"]
        let all = try h.pipeline(arguments)
        XCTAssertTrue(all.stderr.contains("warning: list-sizes: the series page lists no edition for 2026-02"), all.stderr)
        let errorsOnly = try h.pipeline(arguments + ["--log-level", "error"])
        XCTAssertEqual(errorsOnly.status, 0, errorsOnly.stderr)
        XCTAssertEqual(errorsOnly.stderr, "", "warnings and info dropped")
        XCTAssertEqual(errorsOnly.stdout, all.stdout, "data on stdout is not a log line")
    }
}
