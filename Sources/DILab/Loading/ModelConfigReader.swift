/// A model's `model_config: {extra: forbid}` (pydantic's `model_config = {"extra": "forbid"}`). `extra: ignore`
/// is the default; `allow` and other keys change what dilab would show and are refused by name.
enum ModelConfigReader {
    static func forbidsExtra(_ node: YNode) -> Bool {
        var forbid = false
        for entry in node.mapping("model_config") {
            guard entry.key == "extra" else {
                entry.keyNode.error("model_config key '\(entry.key)' is not modelled", rule: "model",
                                    hint: "dilab reads `model_config: {extra: forbid}` (or ignore); see \(Unmodelled.page)#types")
                continue
            }
            switch entry.value.scalar {
            case "forbid": forbid = true
            case "ignore": forbid = false
            default:
                entry.value.error("model_config extra '\(entry.value.scalar ?? "")' is not modelled", rule: "model",
                                  hint: "dilab reads extra: forbid and extra: ignore (pydantic's default)")
            }
        }
        return forbid
    }
}
