package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/**
 * A macro (or a call block's {@code caller}): parameters with default expressions and a body,
 * closed over the scope it was defined in. Calling renders the body into a string. As in jinja2,
 * extra positional or keyword arguments (and {@code caller}) are accepted only when the body reads
 * {@code varargs}, {@code kwargs} (or {@code caller}), as listed in {@code special}.
 */
record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body, Scope closure,
             java.util.Set<String> special) implements PyCallable {

    @Override
    public Object call(Evaluator ev, List<Object> args, Map<String, Object> kwargs) {
        return ev.callMacro(this, args, kwargs);
    }

    @Override
    public String typeName() {
        return "Macro";
    }
}
