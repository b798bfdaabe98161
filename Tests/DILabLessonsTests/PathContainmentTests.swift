import DILab
import DILabLessons
import Foundation
import Testing

/// A shared lesson folder is untrusted: `start:`/`solution:` may not read outside it and `workspace_name:`
/// may not write outside the state folder's workspace. Each case is refused at load, at the value's position.
struct PathContainmentTests {
    /// An exercise step; `extra` goes under `exercise:` (a `workspace_name:`), `start` and `solution` as given.
    static func exerciseYAML(start: String = "start.yaml", solution: String = "solution.yaml", extra: String = "") -> String {
        """
        title: Paths
        steps:
          - id: edit
            section: Intro
            exercise:
              start: \(start)
              solution: \(solution)\(extra.isEmpty ? "" : "\n      " + extra)
              goal:
                - request: GET /items
                  trace: [handler read_items]
            hints: [edit it]
        """
    }

    /// A fixture with the exercise's files beside the lesson, and a secret one folder above the course.
    static func fixture(_ yaml: String) throws -> (Fixture, secret: String) {
        let f = try Fixture(lessonYAML: yaml)
        let dir = f.root + "/01-fixture"
        for name in ["start.yaml", "solution.yaml"] {
            try Fixture.scenario.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        let secret = (f.root as NSString).deletingLastPathComponent + "/secret.yaml"
        try Fixture.scenario.write(toFile: secret, atomically: true, encoding: .utf8)
        return (f, secret)
    }

    static func loadErrors(_ f: Fixture) -> [CourseError] {
        do {
            _ = try f.course()
            return []
        } catch let e as CourseErrors {
            return e.errors
        } catch {
            return [CourseError(file: "?", message: "\(error)")]
        }
    }

    @Test func aStartWithDotDotIsRefusedAtItsLineAndColumn() throws {
        let (f, _) = try Self.fixture(Self.exerciseYAML(start: "../../secret.yaml"))
        let errors = Self.loadErrors(f)
        try #require(errors.count == 1)
        #expect(errors[0].file.hasSuffix("01-fixture/lesson.yaml"))
        // `      start: ../../secret.yaml` is line 6; the value starts in column 14.
        #expect(errors[0].line == 6 && errors[0].column == 14)
        #expect(errors[0].description.contains("lesson.yaml:6:14: `start:` '../../secret.yaml' leaves the lesson folder"))
    }

    @Test func anAbsoluteStartOrSolutionIsRefused() throws {
        let (f, secret) = try Self.fixture(Self.exerciseYAML(start: "start.yaml", solution: "PLACEHOLDER"))
        try Self.exerciseYAML(solution: secret).write(toFile: f.root + "/01-fixture/lesson.yaml", atomically: true, encoding: .utf8)
        let errors = Self.loadErrors(f)
        #expect(errors.map(\.line) == [7])
        #expect(errors.first?.message.contains("is an absolute path") == true)
    }

    @Test func aSymlinkThatResolvesOutsideTheLessonIsRefused() throws {
        let (f, secret) = try Self.fixture(Self.exerciseYAML(start: "innocent.yaml"))
        try FileManager.default.createSymbolicLink(atPath: f.root + "/01-fixture/innocent.yaml", withDestinationPath: secret)
        let errors = Self.loadErrors(f)
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("resolves (through a symlink) outside the lesson folder") == true)
        // A folder symlink counts too, and so does a dangling one (the copy would follow it later).
        let (g, _) = try Self.fixture(Self.exerciseYAML(start: "up/secret.yaml", solution: "gone.yaml"))
        try FileManager.default.createSymbolicLink(atPath: g.root + "/01-fixture/up", withDestinationPath: "../..")
        try FileManager.default.createSymbolicLink(atPath: g.root + "/01-fixture/gone.yaml", withDestinationPath: "/nonexistent/x.yaml")
        #expect(Self.loadErrors(g).count == 2)
    }

    @Test func aWorkspaceNameThatLeavesTheWorkspaceIsRefusedAndNothingIsWritten() throws {
        let (f, _) = try Self.fixture(Self.exerciseYAML(extra: "workspace_name: ../../../escaped.yaml"))
        let errors = Self.loadErrors(f)
        #expect(errors.count == 1)
        #expect(errors.first?.line == 8 && errors.first?.column == 23)
        #expect(errors.first?.message.contains("must be a plain file name") == true)
        let (g, _) = try Self.fixture(Self.exerciseYAML(extra: "workspace_name: /tmp/escaped.yaml"))
        #expect(Self.loadErrors(g).count == 1)
        let (h, _) = try Self.fixture(Self.exerciseYAML(extra: "workspace_name: \"..\""))
        #expect(Self.loadErrors(h).count == 1)
        #expect(!FileManager.default.fileExists(atPath: (f.state as NSString).deletingLastPathComponent + "/escaped.yaml"))
    }

    @Test func aMarkdownOutsideTheLessonIsRefused() throws {
        let (f, _) = try Self.fixture("markdown: ../../secret.yaml\n" + Self.exerciseYAML())
        let errors = Self.loadErrors(f)
        #expect(errors.map(\.line) == [1])
        #expect(errors.first?.message.contains("`markdown:`") == true)
        // The default lesson.md, as a symlink out of the folder, is refused as well (no line: nothing was written).
        let (g, secret) = try Self.fixture(Self.exerciseYAML())
        try FileManager.default.removeItem(atPath: g.root + "/01-fixture/lesson.md")
        try FileManager.default.createSymbolicLink(atPath: g.root + "/01-fixture/lesson.md", withDestinationPath: secret)
        let linked = Self.loadErrors(g)
        #expect(linked.count == 1 && linked.first?.line == nil)
        #expect(linked.first?.message.contains("resolves (through a symlink) outside") == true)
    }

    @Test func filesInsideTheLessonStillWorkAndTheCopyLandsInTheWorkspace() throws {
        let (f, _) = try Self.fixture(Self.exerciseYAML(start: "./sub/../start.yaml", extra: "workspace_name: mine.yaml"))
        // `..` is refused as written, even when it would fold back inside; an inside symlink is fine.
        #expect(Self.loadErrors(f).count == 1)
        let (g, _) = try Self.fixture(Self.exerciseYAML(start: "alias.yaml", extra: "workspace_name: mine.yaml"))
        try FileManager.default.createSymbolicLink(atPath: g.root + "/01-fixture/alias.yaml", withDestinationPath: "start.yaml")
        #expect(Self.loadErrors(g).isEmpty)
        var runner = try g.runner()
        _ = runner.perform(.check, lesson: "01")
        let copy = g.store.workspace + "/01-fixture/mine.yaml"
        #expect(FileManager.default.contents(atPath: copy) == Data(Fixture.scenario.utf8))
        // A copy of the bytes, not of the link: editing it must not edit the lesson.
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: copy)) == nil)
    }

    @Test func aLessonBuiltInCodeCannotEscapeEither() throws {
        let (f, secret) = try Self.fixture(Self.exerciseYAML())
        var course = try f.course()
        guard case .exercise(var spec) = course.lessons[0].steps[0].kind else { Issue.record("not an exercise"); return }
        spec.start = secret
        spec.workspaceName = "../escaped.yaml"
        course.lessons[0].steps[0].kind = .exercise(spec)
        var runner = LessonRunner(course: course, progress: CourseProgress(), workspace: f.store.workspace)
        #expect(runner.perform(.check, lesson: "01").status == .badInput)
        #expect(!FileManager.default.fileExists(atPath: f.state + "/escaped.yaml"))
    }
}
