// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "dilab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dilab", targets: ["dilab"]),
        .library(name: "DILab", targets: ["DILab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Serve's websocket frames and upgrade (NIOWebSocket). Already in the graph through Hummingbird; named for
        // its product. hummingbird-websocket was tried: its channel refuses every upgrade with a bare 400 and its
        // handler hides the client's close code, both of which FastAPI's behaviour needs (DILabServe/WebSocketRoutes.swift).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Core: model, loading, graph validation, engine, trace and renderers. No terminal or network I/O.
        .target(name: "DILab", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: exclusivityCheckedInDebugOnly),
        // Conformance suite: golden expectations, diffs, JUnit.
        .target(name: "DILabSuite", dependencies: ["DILab", .product(name: "Yams", package: "Yams")]),
        // Exporters that leave the engine's world: a runnable FastAPI app and its differential check.
        .target(name: "DILabExport", dependencies: ["DILab", "DILabSuite"]),
        // `dilab import`: a real FastAPI app, introspected (and recorded) in its Python, written as a scenario.
        .target(name: "DILabImport", dependencies: ["DILab", "DILabExport"]),
        // The guided course: lessons, their checks, progress.
        .target(name: "DILabLessons", dependencies: ["DILab", "DILabSuite", .product(name: "Yams", package: "Yams")]),
        // libedit, seen through a small C shim (variadic el_set/history are not callable from Swift).
        .systemLibrary(name: "CEditLine", providers: [.apt(["libedit-dev"])]),
        // REPL and lessons.
        .target(name: "DILabConsole", dependencies: ["DILab", "DILabSuite", "DILabLessons", "CEditLine"]),
        // Serve mode: the engine on the real clock behind Hummingbird.
        .target(name: "DILabServe", dependencies: ["DILab", .product(name: "Hummingbird", package: "hummingbird"),
                                                  .product(name: "NIOWebSocket", package: "swift-nio")],
                swiftSettings: exclusivityCheckedInDebugOnly),
        // The fuzz harness: one input through loader, engine, renderers and exporters (tests and dilab-fuzz).
        .target(name: "DILabFuzz", dependencies: ["DILab", "DILabExport"]),
        // libFuzzer's entry point (scripts/fuzz.sh builds it with -sanitize=fuzzer); plainly built, a replayer.
        .executableTarget(name: "dilab-fuzz", dependencies: ["DILabFuzz"]),
        .executableTarget(name: "dilab", dependencies: [
            "DILab", "DILabSuite", "DILabExport", "DILabImport", "DILabLessons", "DILabConsole", "DILabServe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: staticSwiftOnLinuxRelease),
        // scripts/bench-serve.sh's baseline: a bare Hummingbird 2 server on benchmarks/serve.yaml's route. Benchmark-only.
        .executableTarget(name: "dilab-bench-hummingbird", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
                          path: "benchmarks/bench-hummingbird"),
        .testTarget(name: "DILabTests", dependencies: ["DILab"], exclude: ["Fixtures"]),
        .testTarget(name: "DILabSuiteTests", dependencies: ["DILab", "DILabSuite"]),
        .testTarget(name: "DILabExportTests", dependencies: ["DILab", "DILabExport"]),
        .testTarget(name: "DILabImportTests", dependencies: ["DILab", "DILabImport"]),
        .testTarget(name: "DILabLessonsTests", dependencies: ["DILab", "DILabLessons"]),
        .testTarget(name: "DILabConsoleTests", dependencies: ["DILab", "DILabConsole"]),
        .testTarget(name: "DILabFuzzTests", dependencies: ["DILab", "DILabFuzz"]),
        .testTarget(name: "DILabServeTests", dependencies: ["DILab", "DILabServe"]),
    ]
)

/// A release `dilab` on Linux links the Swift runtime and Foundation statically: binding the symbols of a dozen
/// shared Swift libraries took about 6 ms of each `dilab run`'s start-up (docs/performance.md). The objects are
/// compiled as usual, so the static libraries Foundation needs are named here (what `--static-swift-stdlib` would
/// autolink), in a group because they refer to one another.
var staticSwiftOnLinuxRelease: [LinkerSetting] {
    [.unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group", "-lFoundation", "-lCoreFoundation", "-lFoundationInternationalization",
                   "-l_FoundationICU", "-lFoundationEssentials", "-l_FoundationCShims", "-l_FoundationCollections",
                   "-lswiftDispatch", "-ldispatch", "-lBlocksRuntime", "-Xlinker", "--end-group", "-lstdc++"],
                  .when(platforms: [.linux], configuration: .release))]
}

/// Release builds of the engine and serve skip the run-time exclusivity checks (`swift_beginAccess` on every class
/// property and global access: 6.5% of serve's instructions a request, about half of it in these two modules, so
/// 4.5% fewer; docs/performance.md). Debug builds — the tests, CI, the README's first two commands — keep them,
/// so an overlapping access still traps there.
var exclusivityCheckedInDebugOnly: [SwiftSetting] {
    [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
