import DILab

/// Where a learner reads more about a rule: its entry in `docs/rules.md` (generated from `Rules.all`, see
/// `RuleDocs.markdown()`) and FastAPI's own documentation. Explanations cite these, never the lab's notes.
public enum RuleDocs {
    public static let page = "docs/rules.md"

    /// FastAPI's (or Starlette's) page on the rule's subject, where there is one.
    public static let upstream: [String: String] = [
        "resolution-order": "https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/",
        "request-cache": "https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/#using-the-same-dependency-multiple-times",
        "use-cache-false": "https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/#using-the-same-dependency-multiple-times",
        "lru-cache": "https://fastapi.tiangolo.com/advanced/settings/#lru-cache-technical-details",
        "yield-request-scope": "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/",
        "yield-function-scope": "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/",
        "exception-path": "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#dependencies-with-yield-and-except",
        "swallowed-exception": "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#always-raise-in-dependencies-with-yield-and-except",
        "raise-after-yield": "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/",
        "scope-error": "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/",
        "validation": "https://fastapi.tiangolo.com/tutorial/handling-errors/#requestvalidationerror-vs-validationerror",
        "background-tasks": "https://fastapi.tiangolo.com/tutorial/background-tasks/",
        "late-task": "https://fastapi.tiangolo.com/tutorial/background-tasks/",
        "explicit-background": "https://fastapi.tiangolo.com/tutorial/background-tasks/",
        "threads": "https://fastapi.tiangolo.com/async/",
        "streaming": "https://fastapi.tiangolo.com/advanced/custom-response/#streamingresponse",
        "overrides": "https://fastapi.tiangolo.com/advanced/testing-dependencies/",
        "security-scopes": "https://fastapi.tiangolo.com/advanced/security/oauth2-scopes/",
        "lifespan": "https://fastapi.tiangolo.com/advanced/events/",
        "routing": "https://www.starlette.io/routing/",
    ]

    /// `docs/rules.md#yield-request-scope`.
    public static func anchor(_ rule: Rule) -> String { page + "#" + rule.id }

    /// One line: the page in the repository, then FastAPI's docs when they cover it.
    public static func citation(_ rule: Rule) -> String {
        anchor(rule) + (upstream[rule.id].map { " · " + $0 } ?? "")
    }

    /// The text of `docs/rules.md`. A test compares it with the file (DILAB_UPDATE_DOCS=1 rewrites it).
    public static func markdown(_ rules: [Rule] = Rules.all) -> String {
        var out = """
        # The rules dilab explains with

        Every explanation dilab gives — a lesson's mismatch, a `dilab test` failure, the REPL's `explain` —
        names one of these rules. They are FastAPI's behaviour as dilab reproduces it, observed on real FastAPI
        (0.105, 0.115, 0.120, 0.165) and checked against it in CI (`dilab verify`).

        This page is generated from `Sources/DILab/Trace/Rules.swift` by `RuleDocs.markdown()`; the test
        `rulesPageIsCurrent` fails when it is stale (`DILAB_UPDATE_DOCS=1 swift test --filter rulesPageIsCurrent`
        rewrites it).

        | Rule | Id |
        |---|---|

        """
        for r in rules { out += "| [\(r.title)](#\(r.id)) | `\(r.id)` |\n" }
        for r in rules {
            out += "\n<a id=\"\(r.id)\"></a>\n## \(r.title)\n\n\(r.text)\n"
            if let url = upstream[r.id] { out += "\nFastAPI's documentation: <\(url)>\n" }
        }
        return out
    }
}
