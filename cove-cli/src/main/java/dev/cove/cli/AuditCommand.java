package dev.cove.cli;

import dev.cove.secure.audit.AuditEntry;
import dev.cove.secure.audit.AuditKeys;
import dev.cove.secure.audit.AuditReader;
import dev.cove.secure.audit.AuditRecord;
import dev.cove.secure.audit.AuditVerifier;
import dev.cove.secure.audit.Finding;
import dev.cove.secure.audit.VerificationReport;
import dev.cove.secure.keys.Pkcs12KeyStore;
import dev.cove.secure.store.CoveHome;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cove audit show|verify}: reads and checks the encrypted, hash-chained audit log. The log
 * holds who, when, which model, what kind of request, token counts, latency and outcome: never
 * prompt or output text.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show or verify the encrypted audit log.",
        subcommands = {AuditCommand.Show.class, AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
    /** Exit code of {@code verify} when it finds tampering or damage (1 stays "could not run"). */
    static final int TAMPERED = 3;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the log and its keys are. */
    static final class Location {
        @Option(names = "--dir", paramLabel = "DIR", description = "The audit directory (default: $COVE_HOME/audit).")
        Path dir;

        @Option(names = "--keystore", paramLabel = "FILE",
                description = "The PKCS#12 keystore holding the audit keys (default: $COVE_KEYSTORE, else"
                        + " $COVE_HOME/keys/cove.p12, shared with model encryption). Its password comes from"
                        + " COVE_KEYSTORE_PASSWORD, or is asked for.")
        Path keystore;

        Path directory() {
            return dir != null ? dir : home().resolve("audit");
        }

        AuditKeys keys() {
            String env = System.getenv("COVE_KEYSTORE");
            Path file = keystore != null ? keystore
                    : env != null && !env.isBlank() ? Path.of(env) : home().resolve("keys").resolve("cove.p12");
            if (!file.toFile().isFile()) {
                throw new IllegalArgumentException(file + ": no keystore here (use --keystore)");
            }
            return AuditKeys.existing(Pkcs12KeyStore.open(file, password(file)));
        }

        private static char[] password(Path file) {
            String env = System.getenv("COVE_KEYSTORE_PASSWORD");
            if (env != null) {
                return env.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new IllegalArgumentException("no keystore password: set COVE_KEYSTORE_PASSWORD (no terminal to ask on)");
            }
            char[] pw = console.readPassword("Password for %s: ", file);
            if (pw == null) {
                throw new IllegalArgumentException("no keystore password given");
            }
            return pw;
        }

        static Path home() {
            return CoveHome.resolve();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Decrypt and print audit records, oldest first.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Location location = new Location();

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Only records from WHEN on: an instant (2025-05-01T08:00:00Z), a date (2025-05-01,"
                        + " local midnight) or an age (24h, 7d, 30m, PT2H).")
        String since;

        @Override
        public Integer call() {
            Instant from = since == null ? null : parseSince(since, Instant.now());
            // Keys first: a missing password or keystore fails before anything of the table is printed.
            AuditReader reader = new AuditReader(location.keys());
            PrintStream out = Stdout.utf8();
            out.printf("%8s  %-24s  %-20s  %-12s  %-14s  %-12s  %7s  %7s  %10s  %s%n", "seq", "time (UTC)", "principal",
                    "origin", "kind", "model", "prompt", "output", "latency", "outcome");
            AuditReader.Summary summary = reader.read(location.directory(), from, e -> print(out, e));
            out.flush();
            if (summary.skippedUnauthentic() > 0) {
                System.err.printf("cove: %d records could not be authenticated and were not shown; run `cove audit verify`%n",
                        summary.skippedUnauthentic());
            }
            return 0;
        }

        private static void print(PrintStream out, AuditEntry e) {
            AuditRecord r = e.record();
            out.printf(Locale.ROOT, "%8d  %-24s  %-20s  %-12s  %-14s  %-12s  %7d  %7d  %8.1fms  %s%n", e.sequence(),
                    r.time().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(), r.principal().name(), r.origin(), r.kind(), r.model().sha256Hex().substring(0, 12),
                    r.promptTokens(), r.outputTokens(), r.latency().toNanos() / 1e6, r.outcome());
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check every record, the hash chain and the signed checkpoint, and say exactly which record"
                    + " was edited, removed, reordered or cut off.",
                "Exit code: 0 intact, " + TAMPERED + " tampering or damage found, 1 could not run."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        Location location = new Location();

        @Override
        public Integer call() {
            VerificationReport report = new AuditVerifier(location.keys()).verify(location.directory());
            PrintStream out = Stdout.utf8();
            for (Finding f : report.findings()) {
                out.println((f.tampering() ? "TAMPERED: " : "note: ") + f.describe());
            }
            if (report.intact()) {
                out.printf("audit log intact: %d records authenticated", report.authentic());
                if (report.checkpointHead() != null) {
                    out.printf("; checkpoint covers %d, head %s", report.checkpointCount(), report.checkpointHead());
                }
                out.println();
            } else {
                long tampering = report.findings().stream().filter(Finding::tampering).count();
                out.printf("audit log NOT intact: %d finding%s (%d of %d records authenticated)%n", tampering,
                        tampering == 1 ? "" : "s", report.authentic(), report.records());
            }
            out.flush();
            return report.intact() ? 0 : TAMPERED;
        }
    }

    /** Parses --since: an ISO instant, an ISO date (local midnight), or an age before {@code now}. */
    static Instant parseSince(String text, Instant now) {
        String t = text.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException ignored) {
            // not an instant
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        try {
            return now.minus(Duration.parse(t.toUpperCase(Locale.ROOT)));
        } catch (DateTimeParseException ignored) {
            // not an ISO duration
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([smhdw])").matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        throw new IllegalArgumentException("--since: '" + text + "' is not an instant (2025-05-01T08:00:00Z), a date"
                + " (2025-05-01) or an age (24h, 7d)");
    }
}
