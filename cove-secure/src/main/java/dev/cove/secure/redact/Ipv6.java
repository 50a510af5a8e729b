package dev.cove.secure.redact;

/**
 * Whether a candidate really is an IPv6 address (RFC 4291 text form, optionally with an
 * embedded IPv4 tail). The candidate regex is loose on purpose; this is where times
 * ({@code 12:30:45}), MAC addresses and C++ scopes are turned away.
 */
final class Ipv6 {
    private Ipv6() {
    }

    static boolean valid(CharSequence candidate) {
        String s = candidate.toString();
        int compressed = s.indexOf("::");
        if (compressed >= 0 && s.indexOf("::", compressed + 1) >= 0) {
            return false;
        }
        String[] parts = s.split(":", -1);
        int groups = 0;
        int nonEmpty = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                continue; // part of "::" (checked above) or a leading/trailing colon (checked below)
            }
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                if (!Ipv4.validAddress(p)) {
                    return false;
                }
                groups += 2;
            } else {
                if (p.length() > 4 || !isHex(p)) {
                    return false;
                }
                groups++;
            }
            nonEmpty++;
        }
        if (compressed < 0) {
            return groups == 8 && !s.startsWith(":") && !s.endsWith(":");
        }
        boolean badLeading = s.startsWith(":") && !s.startsWith("::");
        boolean badTrailing = s.endsWith(":") && !s.endsWith("::");
        return !badLeading && !badTrailing && groups < 8 && nonEmpty >= 1;
    }

    private static boolean isHex(String p) {
        for (int i = 0; i < p.length(); i++) {
            if (Character.digit(p.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
