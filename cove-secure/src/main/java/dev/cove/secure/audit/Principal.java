package dev.cove.secure.audit;

/**
 * Who made a request: a user name, a service account, an API key's id. Restricted to a short
 * identifier alphabet so the field cannot become a side door for free text (a prompt pasted in
 * by mistake would be rejected, not stored).
 */
public record Principal(String name) {
    public static final int MAX_LENGTH = 128;

    /** The principal recorded when the caller is not identified (a local CLI run without a user). */
    public static final Principal ANONYMOUS = new Principal("anonymous");

    public Principal {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || !isIdentifier(name)) {
            // Never echo the value: it may be exactly the text that must not be logged.
            throw new IllegalArgumentException("a principal must be 1 to " + MAX_LENGTH
                    + " characters of letters, digits and . _ @ : + - (the given value is not; it is not shown)");
        }
    }

    /** The operating-system user running this process, or {@link #ANONYMOUS} if it is not usable. */
    public static Principal currentUser() {
        String user = System.getProperty("user.name", "");
        return isIdentifier(user) && !user.isEmpty() && user.length() <= MAX_LENGTH ? new Principal(user) : ANONYMOUS;
    }

    private static boolean isIdentifier(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '@' || c == ':' || c == '+' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
