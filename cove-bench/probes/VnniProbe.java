/*
 * Which Java shapes C2 compiles to AVX-512 VNNI (vpdpwssd, vpdpbusd): see cove-bench/README.md,
 * "Does C2 emit VNNI?". Run:
 *   javac --add-modules jdk.incubator.vector -d /tmp/probe cove-bench/probes/VnniProbe.java
 *   java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:-TieredCompilation \
 *        -XX:CompileCommand=print,VnniProbe::* -cp /tmp/probe VnniProbe > probe.asm
 * and look for the instructions (with hsdis, by name; without, by their EVEX encodings:
 * 62 [mm=2] [pp=1] .. 52 is vpdpwssd, .. 50 vpdpbusd).
 */
import jdk.incubator.vector.*;

public class VnniProbe {
    // (1) the pattern C2's superword pass turns into MulAddVS2VI: pairs of 16-bit products summed into ints
    static void mulAddS2I(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    // (5) the same with the second factors loop-invariant (a broadcast activation pair)
    static void mulAddInvariant(short[] w, short x0, short x1, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] += w[2 * i] * x0 + w[2 * i + 1] * x1;
        }
    }

    // (6) weights as bytes widened in the expression
    static void mulAddBytes(byte[] w, short[] x, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] += w[2 * i] * x[2 * i] + w[2 * i + 1] * x[2 * i + 1];
        }
    }

    // (2) a plain dot product of shorts into an int
    static int dotS2I(short[] a, short[] b, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += a[i] * b[i];
        return s;
    }

    // (3) bytes times bytes into an int
    static int dotB2I(byte[] a, byte[] b, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += a[i] * b[i];
        return s;
    }

    static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    // (4) Vector API: widen shorts to ints, multiply, add
    static IntVector vecS2I(short[] a, short[] b, int n) {
        IntVector acc = IntVector.zero(I);
        for (int i = 0; i < n; i += 16) {
            IntVector x = (IntVector) ShortVector.fromArray(ShortVector.SPECIES_256, a, i).convertShape(VectorOperators.S2I, I, 0);
            IntVector y = (IntVector) ShortVector.fromArray(ShortVector.SPECIES_256, b, i).convertShape(VectorOperators.S2I, I, 0);
            acc = acc.add(x.mul(y));
        }
        return acc;
    }

    public static void main(String[] args) {
        int n = 4096;
        short[] a = new short[2 * n], b = new short[2 * n];
        byte[] c = new byte[n], d = new byte[n];
        int[] out = new int[n];
        long sum = 0;
        for (int it = 0; it < 40000; it++) {
            mulAddS2I(a, b, out, n);
            mulAddInvariant(a, (short) it, (short) (it + 1), out, n);
            mulAddBytes(c, b, out, n / 2);
            sum += dotS2I(a, b, n) + dotB2I(c, d, n) + vecS2I(a, b, n).reduceLanes(VectorOperators.ADD);
        }
        System.out.println(sum + out[3]);
    }
}
