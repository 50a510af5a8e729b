package dev.cove.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in plain words what is wrong with a request body that is not JSON, and where (line and
 * column). The parser's own messages name its internals ("StreamReadFeature...", "[Source:
 * REDACTED...]") and can quote the body, which may hold a prompt: so they are classified here and
 * never passed on. Only a single unexpected character or a duplicated field name is quoted.
 */
final class JsonSyntaxError {
    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\('(.)' \\(code \\d+\\)\\)");
    private static final Pattern UNEXPECTED_CONTROL = Pattern.compile("^(?:Unexpected|Illegal) character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("^Duplicate field '(.*)'", Pattern.DOTALL);

    private JsonSyntaxError() {
    }

    /** "the body is not valid JSON: WHAT, at line L, column C". */
    static String describe(JsonProcessingException e) {
        String where = where(e.getLocation());
        return "the body is not valid JSON: " + what(e) + where;
    }

    private static String what(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof JsonEOFException || original.startsWith("Unexpected end-of-input")) {
            return "it ends before the JSON is complete (a string, object or array is not closed)";
        }
        if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
            return "there is more after the end of the JSON object (send exactly one object)";
        }
        Matcher dup = DUPLICATE_FIELD.matcher(original);
        if (dup.find()) {
            return "the field '" + Strings.shorten(dup.group(1), 40) + "' appears twice";
        }
        Matcher unexpected = UNEXPECTED_CHAR.matcher(original);
        if (unexpected.find()) {
            return "unexpected " + character(unexpected.group(1).charAt(0)) + expected(original);
        }
        Matcher control = UNEXPECTED_CONTROL.matcher(original);
        if (control.find()) {
            return "unexpected " + character((char) Integer.parseInt(control.group(1))) + expected(original);
        }
        if (original.startsWith("Unrecognized token")) {
            return "a word that is not a JSON value (text must be in double quotes; the bare words allowed are"
                    + " true, false and null)";
        }
        if (original.startsWith("Illegal unquoted character")) {
            return "a control character (a line break or tab, for instance) inside a string: write it escaped, as \\n or \\t";
        }
        if (original.startsWith("Unrecognized character escape")) {
            return "an unknown escape sequence inside a string (a backslash is written \\\\)";
        }
        if (original.contains("UTF-8") || original.contains("UTF8")) {
            return "the body is not UTF-8 text";
        }
        if (original.contains("numeric value") || original.contains("Leading zero") || original.contains("NaN")
                || original.contains("number")) {
            return "a number written in a form JSON does not allow";
        }
        return "the JSON syntax is wrong";
    }

    /** What the parser was looking for where it found the wrong character. */
    private static String expected(String original) {
        if (original.contains("double-quote to start field name")) {
            return " where a field name in double quotes was expected (JSON allows no trailing comma)";
        }
        if (original.contains("was expecting comma")) {
            return " where a comma or the closing bracket was expected";
        }
        if (original.contains("was expecting a colon")) {
            return " where a colon after the field name was expected";
        }
        if (original.contains("expected a valid value") || original.contains("expected a value")) {
            return " where a value was expected";
        }
        return "";
    }

    private static String character(char c) {
        if (c < 0x20 || c == 0x7f) {
            return "control character " + String.format("U+%04X", (int) c);
        }
        return "character '" + c + "'";
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return ", at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
