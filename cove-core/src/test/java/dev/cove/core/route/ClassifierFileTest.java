package dev.cove.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier file: an exact round trip, and every kind of damage refused before it is used. */
class ClassifierFileTest {
    @TempDir
    Path dir;
    private Path file;
    private RouteClassifier classifier;

    @BeforeEach
    void write() {
        file = dir.resolve("ROUTES.classifier");
        classifier = RouteClassifier.train(RouteClassifierTest.TRAINING);
        ClassifierFile.write(file, classifier);
    }

    @Test
    void readsBackTheSameClassifier() {
        RouteClassifier read = ClassifierFile.read(file);
        assertThat(read.routes()).isEqualTo(classifier.routes());
        assertThat(read.featureCount()).isEqualTo(classifier.featureCount());
        assertThat(read.trainedFrom(RouteClassifierTest.TRAINING)).isTrue();
        for (String text : new String[] {"def f(): pass", "a trip to Rome", "", "ünïcödé 🙂 text"}) {
            assertThat(read.probabilities(text)).containsExactly(classifier.probabilities(text));
        }
        assertThat(dir.toFile().list()).containsExactly("ROUTES.classifier"); // no temporary file left behind
    }

    @Test
    void aMissingFileSaysToTrain() {
        assertThatThrownBy(() -> ClassifierFile.read(dir.resolve("none.classifier"))).isInstanceOf(RouteException.class)
                .hasMessageContaining("no trained classifier here; run `cove route train`");
    }

    @Test
    void anotherKindOfFileIsRefused() throws IOException {
        Files.writeString(file, "routes:\n  - name: code\n");
        assertThatThrownBy(() -> ClassifierFile.read(file)).isInstanceOf(RouteException.class)
                .hasMessageContaining("not a Cove router classifier");
        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> ClassifierFile.read(file)).isInstanceOf(RouteException.class)
                .hasMessageContaining("not a Cove router classifier");
    }

    @Test
    void anotherFormatVersionIsRefused() throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
        Files.write(file, withChecksum(b));
        assertThatThrownBy(() -> ClassifierFile.read(file)).isInstanceOf(RouteException.class)
                .hasMessageContaining("format version 2, but this Cove reads version 1");
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int keep : new int[] {13, 60, b.length / 2, b.length - 1}) {
            Files.write(file, Arrays.copyOf(b, keep));
            assertThatThrownBy(() -> ClassifierFile.read(file)).as("%d bytes", keep).isInstanceOf(RouteException.class)
                    .hasMessageContaining("damaged");
        }
    }

    @Test
    void aChangedByteIsRefused() throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x10;
        Files.write(file, b);
        assertThatThrownBy(() -> ClassifierFile.read(file)).isInstanceOf(RouteException.class)
                .hasMessageContaining("checksum does not match");
    }

    @Test
    void impossibleCountsWithAValidChecksumAreRefusedBeforeAllocating() throws IOException {
        byte[] b = Files.readAllBytes(file);
        // The route count sits after magic, version, fingerprint, 4 feature bytes, l2 and the example count.
        int routesAt = 8 + 4 + 32 + 4 + 8 + 4;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(routesAt, Integer.MAX_VALUE);
        Files.write(file, withChecksum(b));
        assertThatThrownBy(() -> ClassifierFile.read(file)).isInstanceOf(RouteException.class)
                .hasMessageContaining("routes");
        ClassifierFile.write(file, classifier);
        byte[] c = Files.readAllBytes(file);
        int nameBytes = 2 + "code".length() + 2 + "general".length();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(routesAt + 4 + nameBytes, 1 << 30);
        Files.write(file, withChecksum(c));
        assertThatThrownBy(() -> ClassifierFile.read(file)).isInstanceOf(RouteException.class)
                .hasMessageContaining("features, which does not fit its size");
    }

    /** The bytes with their last four replaced by the CRC-32C of the rest, as a writer would. */
    private static byte[] withChecksum(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }
}
