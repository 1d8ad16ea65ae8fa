// swift-tools-version:6.0
import PackageDescription

// Every target builds in Swift 6 language mode with the two upcoming features the
// project relies on: `any` spelled out for existentials, and imports that must be
// explicit in the file that uses them.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "nhs-gp-warehouse",
    products: [
        .executable(name: "pipeline", targets: ["pipeline"]),
    ],
    targets: [
        // C libraries from Debian's libpq-dev and zlib1g-dev, reached through include-only shims.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The SHA-256 block function on CPUs with SHA extensions (Swift cannot emit those instructions).
        .target(name: "CSHA256"),

        // Vocabulary and pure logic: CSV tokenizer, dates, periods, dataset specs, record mappers, SHA-256.
        .target(name: "Transform", dependencies: ["CSHA256"], swiftSettings: swiftSettings),
        // The publisher sources, one declaration each: what they publish, where, and what the warehouse serves of it.
        .target(name: "Publications", dependencies: ["Transform"], swiftSettings: swiftSettings),
        // Finding, downloading and unzipping publications; the only module that sees zlib.
        .target(name: "Extract", dependencies: ["Transform", "CZlib"], swiftSettings: swiftSettings),
        // The warehouse: migrations, revision-tracked loading, queries; the only module that sees libpq.
        .target(name: "Load", dependencies: ["Transform", "CLibPQ"], swiftSettings: swiftSettings),
        // The orchestration a program builds on: settings, the warehouse session and run log,
        // refresh, backfill, load and demo, logging and progress; outcomes as statuses.
        .target(name: "Operations", dependencies: ["Extract", "Transform", "Load"], swiftSettings: swiftSettings),
        // The `pipeline` command: parses arguments, calls Operations, maps outcomes to exit codes.
        .executableTarget(
            name: "pipeline", dependencies: ["Extract", "Transform", "Load", "Publications", "Operations"], swiftSettings: swiftSettings),

        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "TransformTests", dependencies: ["Transform", "Publications", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "Transform", "Publications", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "LoadTests", dependencies: ["Load", "Transform", "Publications", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PipelineTests", dependencies: ["pipeline", "Operations", "Load", "Publications", "Transform", "TestSupport"], swiftSettings: swiftSettings),
    ]
)
