package dev.cove.core.grammar.json;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON string that is none of the given ones (llama.cpp's {@code _not_strings}): a trie of
 * the excluded strings where, at each node, the text may go on with a child's character, leave
 * the trie with any other character (and then anything), or end, unless the node ends an
 * excluded string.
 */
final class NotStrings {
    private NotStrings() {
    }

    private static final class Node {
        final Map<Integer, Node> children = new TreeMap<>();
        boolean end;
    }

    /** GBNF for a JSON string (quotes included) other than each of {@code excluded}; {@code charRule} matches one JSON string character. */
    static String gbnf(Collection<String> excluded, String charRule) {
        Node root = new Node();
        for (String s : excluded) {
            String json = JsonText.write(s);
            json = json.substring(1, json.length() - 1); // as the key appears in JSON text
            Node n = root;
            for (int i = 0; i < json.length(); ) {
                int cp = json.codePointAt(i);
                i += Character.charCount(cp);
                n = n.children.computeIfAbsent(cp, k -> new Node());
            }
            n.end = true;
        }
        StringBuilder out = new StringBuilder("\"\\\"\" ");
        visit(root, charRule, out);
        return out.append(" \"\\\"\"").toString();
    }

    private static void visit(Node node, String charRule, StringBuilder out) {
        if (node.children.isEmpty()) {
            out.append(node.end ? charRule + "+" : charRule + "*");
            return;
        }
        out.append("(");
        StringBuilder rejects = new StringBuilder();
        boolean first = true;
        for (Map.Entry<Integer, Node> e : node.children.entrySet()) {
            if (!first) {
                out.append(" | ");
            }
            first = false;
            String c = RegexClass.escape(e.getKey());
            rejects.append(c);
            out.append('[').append(c).append("] ");
            visit(e.getValue(), charRule, out);
        }
        // Leave the trie: a character no excluded string has here. A backslash starts an escape,
        // so only unescaped characters are offered here and escapes go through the children or char.
        out.append(" | [^\"\\\\\\x7F\\x00-\\x1F").append(rejects).append("] ").append(charRule).append('*');
        if (rejects.indexOf("\\\\") < 0) {
            out.append(" | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4}) ").append(charRule).append('*');
        }
        out.append(")");
        if (!node.end) {
            out.append('?');
        }
    }
}
