package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code ./mvnw} and {@code ./cove} find a JDK 25 ({@code .mvn/find-jdk.sh}) when the default
 * {@code java} is older: a fake JDK 17 stands for the machine's default, and the JDK running this
 * test for the JDK 25 installed beside it.
 */
class JdkDiscoveryTest {
    @TempDir
    Path dir;

    private Path root;
    private Path oldJdk;
    private Path installs;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void fakeMachine() throws IOException {
        root = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(root.resolve(".mvn/find-jdk.sh")), "not run from a Cove checkout");
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no POSIX shell here");
        oldJdk = dir.resolve("java-17");
        Files.createDirectories(oldJdk.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            // What an old JVM says to the flags in .mvn/jvm.config.
            Path p = oldJdk.resolve("bin").resolve(tool);
            Files.writeString(p, "#!/bin/sh\necho 'Unrecognized option: --sun-misc-unsafe-memory-access=allow' >&2\nexit 1\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(oldJdk.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        installs = dir.resolve("jvm");
        Files.createDirectories(installs);
    }

    /** The links to the real JDK go before JUnit cleans up (it would warn about each). */
    @org.junit.jupiter.api.AfterEach
    void removeLinks() throws IOException {
        try (var links = Files.list(installs)) {
            for (Path link : links.toList()) {
                Files.deleteIfExists(link);
            }
        }
    }

    private void installCurrentJdkAs(String name) throws IOException {
        Path home = Path.of(System.getProperty("java.home"));
        assumeTrue(Files.isExecutable(home.resolve("bin/javac")), "this test runs on a JRE, not a JDK");
        Files.createSymbolicLink(installs.resolve(name), home);
    }

    private Result sh(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script).directory(root.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", oldJdk.resolve("bin") + ":/usr/bin:/bin"); // `java` on PATH is the old one
        pb.environment().put("HOME", dir.toString());
        String m2 = System.getenv("MAVEN_USER_HOME");
        pb.environment().put("MAVEN_USER_HOME", m2 != null ? m2 : Path.of(System.getProperty("user.home"), ".m2").toString());
        pb.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished in time").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void anOldJavaHomeIsPassedOverForAnInstalledJdk25() throws Exception {
        installCurrentJdkAs("jdk-25");
        Result r = sh(". .mvn/find-jdk.sh; cove_find_jdk",
                Map.of("JAVA_HOME", oldJdk.toString(), "COVE_JDK_DIRS", installs.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(installs.resolve("jdk-25").toString());
    }

    @Test
    void withoutJdk25TheErrorIsOneSentenceSayingWhatAndWhere() throws Exception {
        Result r = sh(". .mvn/find-jdk.sh; cove_find_jdk",
                Map.of("JAVA_HOME", oldJdk.toString(), "COVE_JDK_DIRS", installs.toString()));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("JDK 25").contains("JAVA_HOME (" + oldJdk + ")").contains(installs.toString())
                .contains("java on PATH").contains("Java 17");
    }

    @Test
    void aJdk25OnlyOnPathIsFound() throws Exception {
        installCurrentJdkAs("jdk-25");
        Result r = sh("PATH=\"" + installs.resolve("jdk-25/bin") + ":$PATH\"; . .mvn/find-jdk.sh; cove_find_jdk",
                Map.of("COVE_JDK_DIRS", dir.resolve("none").toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Path.of(r.out().strip()).toRealPath()).isEqualTo(Path.of(System.getProperty("java.home")).toRealPath());
    }

    @Test
    void mavenWrapperStartsOnJdk25WhenJavaHomeIsOld() throws Exception {
        installCurrentJdkAs("temurin-25");
        Path m2 = Path.of(System.getenv().getOrDefault("MAVEN_USER_HOME", System.getProperty("user.home") + "/.m2"));
        assumeTrue(Files.isDirectory(m2.resolve("wrapper/dists")), "the wrapper's Maven is not downloaded: not going online");
        Result r = sh("./mvnw -o -v", Map.of("JAVA_HOME", oldJdk.toString(), "COVE_JDK_DIRS", installs.toString()));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Java version: " + Runtime.version().feature());
    }

    @Test
    void mavenWrapperWithoutJdk25FailsWithTheSentenceNotTheJvmsError() throws Exception {
        Result r = sh("./mvnw -o -v", Map.of("JAVA_HOME", oldJdk.toString(), "COVE_JDK_DIRS", installs.toString()));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("needs a JDK 25").doesNotContain("Unrecognized option");
    }
}
