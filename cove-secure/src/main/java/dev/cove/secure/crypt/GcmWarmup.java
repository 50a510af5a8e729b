package dev.cove.secure.crypt;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets the JDK's AES-GCM onto its fast path before a large model is decrypted.
 *
 * <p>The JDK's vectorised AES-GCM is an intrinsic that HotSpot only uses once the method calling
 * it has been compiled by C2, which takes some thousands of calls. Tink makes one call per 1 MiB
 * segment, so a freshly started JVM decrypts the first gigabytes in slow, unintrinsified code
 * (measured: about 20 s instead of 1-2 s for 1 GiB). A few thousand GCM decryptions of 8 KiB
 * (the smallest size that takes the intrinsic path) bring that method to C2 first; this costs
 * a fraction of a second once per process and is skipped for small models.
 */
final class GcmWarmup {
    /** Below this, warming up costs more than it saves. */
    static final long WORTH_IT = 64L << 20;
    private static final int CALLS = 3000;
    private static final int SIZE = 8192;
    private static final AtomicInteger DONE = new AtomicInteger();

    private GcmWarmup() {
    }

    /** Does this thread's share ({@code 1/parts}) of the warm-up, unless it has been done already. */
    static void run(int parts) {
        if (DONE.get() >= CALLS) {
            return;
        }
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            GCMParameterSpec iv = new GCMParameterSpec(128, new byte[12]);
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, key, iv);
            byte[] ct = enc.doFinal(new byte[SIZE]);
            ByteBuffer out = ByteBuffer.allocate(SIZE);
            Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
            int share = CALLS / Math.max(1, parts) + 1;
            for (int i = 0; i < share && DONE.getAndIncrement() < CALLS; i++) {
                // The same calls Tink makes per segment: init, then doFinal on heap buffers.
                dec.init(Cipher.DECRYPT_MODE, key, iv);
                out.clear();
                dec.doFinal(ByteBuffer.wrap(ct), out);
            }
        } catch (GeneralSecurityException e) {
            // Only a speed-up: decryption itself will report any real problem.
        }
    }
}
