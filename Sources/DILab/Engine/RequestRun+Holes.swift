/// Template holes and conditions Python evaluates inside a callable: an operation Python refuses there
/// (`{{1 // 0}}`, `{{len(None)}}`, `{{items[9]}}`) is that callable's exception, raised where its body computes it.
extension RequestRun {
    /// Renders a hole-bearing value, raising a refused operation from `owner`.
    func render(_ t: Template, _ env: TemplateEnv, by owner: String, depth: Int) throws(PyError) -> Value {
        do throws(PyError) {
            return try t.render(env)
        } catch {
            emit(.raise, owner, error.display, q: error.summary, depth: depth)
            throw error
        }
    }

    func holds(_ c: Condition?, _ env: TemplateEnv, by owner: String, depth: Int) throws(PyError) -> Bool {
        guard let c else { return true }
        do throws(PyError) {
            return try c.holds(in: env)
        } catch {
            emit(.raise, owner, error.display, q: error.summary, depth: depth)
            throw error
        }
    }

    /// A callable's `returns:`, computed where Python computes its `return`/`yield` (after the work, the tasks and
    /// the raises): the failure is kept for `raiseDeferred` and the call event shows None.
    func renderReturns(_ t: Template?, _ env: TemplateEnv) -> (Value?, PyError?) {
        guard let t else { return (nil, nil) }
        do throws(PyError) { return (try t.render(env), nil) } catch { return (.null, error) }
    }

    func raiseDeferred(_ e: PyError?, by owner: String, depth: Int) throws(PyError) {
        guard let e else { return }
        emit(.raise, owner, e.display, q: e.summary, depth: depth)
        throw e
    }
}
