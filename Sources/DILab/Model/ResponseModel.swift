/// `@app.get(..., response_model=User, response_model_exclude_unset=True, ...)`: the handler's return value is
/// validated as the model and serialized through it (extra keys dropped, defaults filled in) before any yield
/// dependency's cleanup; a value that fails is FastAPI's ResponseValidationError, a 500.
public struct ResponseModelSpec: Sendable {
    /// The declared model (or list of it); nil for `response_model=None` (no validation, the return value as is).
    public var target: ResponseTarget?
    /// Whether `response_model=` itself is written; options alone leave the return annotation in charge.
    public var declared = false
    public var excludeUnset = false
    public var excludeDefaults = false
    public var excludeNone = false
    /// `response_model_include={...}` / `response_model_exclude={...}`: top-level field names.
    public var include: [String]?
    public var exclude: [String]?
    public var location: SourceLocation
    public init(target: ResponseTarget? = nil, declared: Bool = false, location: SourceLocation = .unknown) {
        self.target = target
        self.declared = declared
        self.location = location
    }

    /// The model validated (each item's, for a list).
    public var model: String? { target?.model }
}

/// What `response_model=` or a return annotation names: a declared model, `list[User]` or `List[User]`.
public struct ResponseTarget: Sendable, Equatable {
    public enum Spelling: Sendable, Equatable { case model, builtinList, typingList }
    public var model: String
    public var spelling: Spelling
    public init(model: String, spelling: Spelling = .model) {
        self.model = model
        self.spelling = spelling
    }

    public var isList: Bool { spelling != .model }

    /// As a FastAPI developer writes it: `User`, `list[User]`, `List[User]`.
    public var python: String {
        switch spelling {
        case .model: return model
        case .builtinList: return "list[\(model)]"
        case .typingList: return "List[\(model)]"
        }
    }

    /// `User`, `list[User]`, `List[User]` (spaces allowed inside the brackets); nil for anything else.
    public static func parse(_ text: String) -> ResponseTarget? {
        let t = text.trimmingCharacters(in: .whitespaces)
        for (prefix, spelling) in [("list[", Spelling.builtinList), ("List[", .typingList)] where t.hasPrefix(prefix) && t.hasSuffix("]") {
            let inner = t.dropFirst(prefix.count).dropLast().trimmingCharacters(in: .whitespaces)
            return inner.isEmpty ? nil : ResponseTarget(model: inner, spelling: spelling)
        }
        return ResponseTarget(model: t)
    }
}

extension Route {
    /// The response model FastAPI uses: `response_model=` when written (None turns validation off), else the
    /// handler's return annotation, with the `response_model_*` options either way.
    public var effectiveResponseModel: ResponseModelSpec? {
        if var spec = responseModel {
            if !spec.declared { spec.target = returnAnnotation }
            return spec
        }
        return returnAnnotation.map { ResponseModelSpec(target: $0) }
    }
}

import Foundation
