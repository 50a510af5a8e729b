package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/** Something a template can call: a macro, a global function, a bound str/dict method. */
interface PyCallable {
    Object call(Evaluator ev, List<Object> args, Map<String, Object> kwargs);

    /** The Python type name used in error messages. */
    default String typeName() {
        return "builtin_function_or_method";
    }
}
