/// FastAPI, Starlette and typing names dilab does not model. Each is refused by name where it stands in a signature,
/// with one sentence and a link, because the fallback (an unknown class name is a JSON body) would be silently wrong.
enum Unmodelled {
    /// The page every refusal links to.
    static let page = "docs/not-modelled.md"

    struct Entry {
        var sentence: String
        var anchor: String
    }

    /// Names written as a parameter's type.
    static let types: [String: Entry] = {
        var t: [String: Entry] = [
            "UploadFile": Entry(sentence: "an uploaded file needs a multipart form body, which dilab does not model", anchor: "forms-and-files"),
            "OAuth2PasswordRequestForm": Entry(sentence: "a form dependency reads a form body, which dilab does not model", anchor: "forms-and-files"),
            "OAuth2PasswordRequestFormStrict": Entry(sentence: "a form dependency reads a form body, which dilab does not model", anchor: "forms-and-files"),
            "HTTPConnection": Entry(sentence: "Starlette's HTTPConnection is injected by FastAPI and dilab does not model it", anchor: "connection-objects"),
            "StarletteRequest": Entry(sentence: "Starlette's Request object is injected by FastAPI and dilab models only `Request`", anchor: "connection-objects"),
            "BackgroundTask": Entry(sentence: "Starlette's single BackgroundTask is not a parameter FastAPI injects; dilab models `BackgroundTasks`", anchor: "connection-objects"),
            "ContextVar": Entry(sentence: "a ContextVar is no parameter FastAPI fills; declare the variable under `context_vars:` and read it with `{{name.get()}}`", anchor: "context-variables"),
            "Union": Entry(sentence: "a Union of types other than `X | None` is not modelled", anchor: "types"),
            "Literal": Entry(sentence: "Literal[...] values are not validated by dilab", anchor: "types"),
            "Enum": Entry(sentence: "enum parameters are not validated by dilab", anchor: "types"),
            "UUID": Entry(sentence: "UUID parameters are not parsed by dilab", anchor: "types"),
            "Decimal": Entry(sentence: "Decimal parameters are not parsed by dilab", anchor: "types"),
            "Json": Entry(sentence: "Json[...] parameters are not parsed by dilab", anchor: "types"),
        ]
        for name in ["JSONResponse", "HTMLResponse", "PlainTextResponse", "RedirectResponse", "StreamingResponse",
                     "FileResponse", "ORJSONResponse", "UJSONResponse"] {
            t[name] = Entry(sentence: "a parameter typed as a Response subclass is not modelled; dilab injects the temporal response as `response: Response`", anchor: "connection-objects")
        }
        for name in ["Set", "FrozenSet", "Tuple", "Sequence", "Iterable", "Callable", "Type", "set", "frozenset", "tuple", "bytes"] {
            t[name] = Entry(sentence: "\(name) parameters are not modelled: dilab reads int, float, str, bool, dict and list", anchor: "types")
        }
        for name in ["datetime", "date", "time", "timedelta"] {
            t[name] = Entry(sentence: "\(name) parameters are not parsed by dilab", anchor: "types")
        }
        return t
    }()

    /// Markers written after `=` or inside `Annotated[T, ...]`.
    static let markers: [String: Entry] = [
        "File": Entry(sentence: "File() reads a multipart form body, which dilab does not model", anchor: "forms-and-files"),
        "Form": Entry(sentence: "Form() reads a form body, which dilab does not model", anchor: "forms-and-files"),
        "UploadFile": Entry(sentence: "an uploaded file needs a multipart form body, which dilab does not model", anchor: "forms-and-files"),
        "Field": Entry(sentence: "Field() metadata on a parameter is not modelled; write the constraint on Query/Path/Header/Cookie", anchor: "annotated-metadata"),
        "StringConstraints": Entry(sentence: "pydantic's StringConstraints are not modelled; write the constraint on Query/Path/Header/Cookie", anchor: "annotated-metadata"),
        "AfterValidator": Entry(sentence: "pydantic validators run code, which a scenario cannot", anchor: "annotated-metadata"),
        "BeforeValidator": Entry(sentence: "pydantic validators run code, which a scenario cannot", anchor: "annotated-metadata"),
        "PlainValidator": Entry(sentence: "pydantic validators run code, which a scenario cannot", anchor: "annotated-metadata"),
        "WrapValidator": Entry(sentence: "pydantic validators run code, which a scenario cannot", anchor: "annotated-metadata"),
        "ContextVar": Entry(sentence: "a ContextVar is no parameter FastAPI fills; declare the variable under `context_vars:` and read it with `{{name.get()}}`", anchor: "context-variables"),
    ]

    /// Marker arguments that change what FastAPI reads, refused when set to the value that changes it (nil: any value).
    static let markerArguments: [String: (changing: Value?, entry: Entry)] = [
        "embed": (.bool(true), Entry(sentence: "Body(embed=True) nests a single body under its name, which dilab does not model", anchor: "body-embed")),
        "convert_underscores": (.bool(false), Entry(sentence: "Header(convert_underscores=False) keeps underscores in the header name, which dilab does not model", anchor: "header-underscores")),
        "media_type": (nil, Entry(sentence: "Body(media_type=...) is not modelled", anchor: "body-embed")),
    ]

    /// Names in a `Depends(...)` that are not a declared provider and never can be.
    static let providers: [String: Entry] = [
        "lambda": Entry(sentence: "a lambda as a dependency is code, which a scenario cannot hold; declare a provider", anchor: "dependencies"),
        "partial": Entry(sentence: "functools.partial dependencies are not modelled; declare a provider with the bound values as defaults", anchor: "dependencies"),
        "functools.partial": Entry(sentence: "functools.partial dependencies are not modelled; declare a provider with the bound values as defaults", anchor: "dependencies"),
    ]

    /// A capitalised name that reads like an `Annotated` alias (`FunctionDep`, `SessionDependency`): without an
    /// `aliases:` entry it would be taken for a body model, which such a name almost never is.
    static func looksLikeAlias(_ name: String) -> Bool {
        name.count > 3 && (name.hasSuffix("Dep") || name.hasSuffix("Dependency") || name.hasSuffix("Deps"))
    }

    static func failure(_ name: String, _ entry: Entry, offset: Int) -> ParamParser.Failure {
        ParamParser.Failure(message: "'\(name)' is not modelled: \(entry.sentence)", offset: offset, hint: "see \(page)#\(entry.anchor)")
    }
}
