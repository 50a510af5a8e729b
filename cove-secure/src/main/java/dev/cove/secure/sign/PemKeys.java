package dev.cove.secure.sign;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads and writes keys in the PEM formats {@code openssl} uses: {@code PUBLIC KEY} (X.509
 * SubjectPublicKeyInfo), {@code PRIVATE KEY} (PKCS#8), and the older {@code EC PRIVATE KEY}
 * (SEC1), {@code RSA PRIVATE KEY} and {@code RSA PUBLIC KEY} (PKCS#1). Only the JDK is used.
 */
public final class PemKeys {
    static final String OID_ED25519 = "1.3.101.112";
    static final String OID_EC = "1.2.840.10045.2.1";
    static final String OID_RSA = "1.2.840.113549.1.1.1";

    private PemKeys() {
    }

    /** A new key pair of the given algorithm (Ed25519, ECDSA P-256, or RSA 3072). */
    public static KeyPair generate(KeyAlgorithm algorithm) {
        try {
            return switch (algorithm) {
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                case ECDSA -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    yield g.generateKeyPair();
                }
                case RSA -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4));
                    yield g.generateKeyPair();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new SignException("cannot generate a " + algorithm.id() + " key: " + e.getMessage(), e);
        }
    }

    /** The public key in a PEM file; a private key file is accepted too and its public half taken. */
    public static PublicKey readPublicKey(Path file) {
        Pem pem = readPem(file);
        try {
            return switch (pem.label()) {
                case "PUBLIC KEY" -> publicFromSpki(pem.der());
                case "RSA PUBLIC KEY" -> publicFromSpki(spki(OID_RSA, Der.nullValue(), pem.der()));
                default -> privateKeyPair(file, pem).getPublic();
            };
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new SignException(file + ": not a readable public key: " + e.getMessage(), e);
        }
    }

    /** A public key from its X.509 SubjectPublicKeyInfo DER encoding. */
    public static PublicKey publicFromSpki(byte[] der) throws GeneralSecurityException {
        Der.Element spki = Der.parse(der);
        spki.expect(Der.SEQUENCE);
        List<Der.Element> parts = spki.children();
        if (parts.size() != 2) {
            throw new IllegalArgumentException("malformed SubjectPublicKeyInfo");
        }
        String oid = parts.get(0).children().get(0).oid();
        return KeyFactory.getInstance(keyFactoryFor(oid)).generatePublic(new X509EncodedKeySpec(der));
    }

    /** The private key in a PEM file, with its public key (derived where the file does not carry it). */
    public static KeyPair readPrivateKey(Path file) {
        return privateKeyPair(file, readPem(file));
    }

    private static KeyPair privateKeyPair(Path file, Pem pem) {
        try {
            byte[] pkcs8 = switch (pem.label()) {
                case "PRIVATE KEY" -> pem.der();
                case "EC PRIVATE KEY" -> sec1ToPkcs8(pem.der());
                case "RSA PRIVATE KEY" -> Der.sequence(Der.integer(0),
                        Der.sequence(Der.oid(OID_RSA), Der.nullValue()), Der.octetString(pem.der()));
                case "ENCRYPTED PRIVATE KEY" -> throw new SignException(file + ": the private key is encrypted with a"
                        + " passphrase; write a plain copy for signing with: openssl pkey -in " + file + " -out plain.pem");
                case "PUBLIC KEY", "RSA PUBLIC KEY" -> throw new SignException(file + ": this is a public key; signing needs the private key");
                default -> throw new SignException(file + ": PEM block '" + pem.label() + "' is not a key Cove reads");
            };
            Der.Element info = Der.parse(pkcs8);
            info.expect(Der.SEQUENCE);
            List<Der.Element> parts = info.children();
            if (parts.size() < 3) {
                throw new IllegalArgumentException("malformed PKCS#8 key");
            }
            String oid = parts.get(1).children().get(0).oid();
            PrivateKey priv = KeyFactory.getInstance(keyFactoryFor(oid)).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new KeyPair(derivePublic(file, priv, parts.get(2)), priv);
        } catch (IllegalArgumentException | IndexOutOfBoundsException | GeneralSecurityException e) {
            throw new SignException(file + ": not a readable private key: " + e.getMessage(), e);
        }
    }

    private static PublicKey derivePublic(Path file, PrivateKey priv, Der.Element privateKeyOctets)
            throws GeneralSecurityException {
        switch (priv) {
            case RSAPrivateCrtKey rsa -> {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            case EdECPrivateKey ed -> {
                // The JDK has no "public key of this private key" call; generating a pair from a
                // random source that yields exactly this seed computes it with the JDK's own code.
                byte[] seed = ed.getBytes().orElseThrow(() -> new SignException(file + ": Ed25519 key without key bytes"));
                KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
                g.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
                KeyPair pair = g.generateKeyPair();
                Arrays.fill(seed, (byte) 0);
                return pair.getPublic();
            }
            case ECPrivateKey ec -> {
                // PKCS#8 wraps SEC1's ECPrivateKey, whose optional [1] field holds the public point;
                // openssl always writes it.
                Der.Element sec1 = Der.parse(privateKeyOctets.content());
                for (Der.Element e : sec1.children()) {
                    if (e.tag() == 0xa1) {
                        byte[] point = Der.parse(e.content()).bits();
                        int n = (point.length - 1) / 2;
                        if (point.length < 3 || point[0] != 4 || point.length != 2 * n + 1) {
                            throw new IllegalArgumentException("compressed or malformed EC public point");
                        }
                        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + n)),
                                new BigInteger(1, Arrays.copyOfRange(point, 1 + n, point.length)));
                        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
                    }
                }
                // Not stored (the JDK writes PKCS#8 without it): compute it, Q = d * G.
                ECPoint w = multiply(ec.getParams(), ec.getS());
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
            }
            default -> throw new SignException(file + ": unsupported private key type " + priv.getAlgorithm());
        }
    }

    /**
     * {@code k * G} on a prime-field curve, in affine coordinates. Used once per key load to derive a
     * public key from a private one; not for anything secret-dependent at scale.
     */
    static ECPoint multiply(java.security.spec.ECParameterSpec spec, BigInteger k) {
        BigInteger p = ((java.security.spec.ECFieldFp) spec.getCurve().getField()).getP();
        BigInteger a = spec.getCurve().getA();
        ECPoint result = ECPoint.POINT_INFINITY;
        ECPoint addend = spec.getGenerator();
        for (int i = 0; i < k.bitLength(); i++) {
            if (k.testBit(i)) {
                result = add(result, addend, p, a);
            }
            addend = add(addend, addend, p, a);
        }
        return result;
    }

    private static ECPoint add(ECPoint u, ECPoint v, BigInteger p, BigInteger a) {
        if (u.equals(ECPoint.POINT_INFINITY)) {
            return v;
        }
        if (v.equals(ECPoint.POINT_INFINITY)) {
            return u;
        }
        BigInteger lambda;
        if (u.getAffineX().equals(v.getAffineX())) {
            if (!u.getAffineY().equals(v.getAffineY()) || u.getAffineY().signum() == 0) {
                return ECPoint.POINT_INFINITY;
            }
            BigInteger x = u.getAffineX();
            lambda = x.multiply(x).multiply(BigInteger.valueOf(3)).add(a)
                    .multiply(u.getAffineY().shiftLeft(1).modInverse(p)).mod(p);
        } else {
            lambda = v.getAffineY().subtract(u.getAffineY())
                    .multiply(v.getAffineX().subtract(u.getAffineX()).modInverse(p)).mod(p);
        }
        BigInteger x3 = lambda.multiply(lambda).subtract(u.getAffineX()).subtract(v.getAffineX()).mod(p);
        BigInteger y3 = lambda.multiply(u.getAffineX().subtract(x3)).subtract(u.getAffineY()).mod(p);
        return new ECPoint(x3, y3);
    }

    /** SEC1 ECPrivateKey (with its [0] curve parameter) to PKCS#8. */
    private static byte[] sec1ToPkcs8(byte[] sec1) {
        Der.Element seq = Der.parse(sec1);
        seq.expect(Der.SEQUENCE);
        byte[] curveOid = null;
        for (Der.Element e : seq.children()) {
            if (e.tag() == 0xa0) {
                curveOid = Der.parse(e.content()).encoded();
            }
        }
        if (curveOid == null) {
            throw new IllegalArgumentException("SEC1 EC key without a named curve");
        }
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(OID_EC), curveOid), Der.octetString(sec1));
    }

    private static byte[] spki(String oid, byte[] params, byte[] key) {
        return Der.sequence(Der.sequence(Der.oid(oid), params), Der.bitString(key));
    }

    private static String keyFactoryFor(String oid) {
        return switch (oid) {
            case OID_ED25519 -> "Ed25519";
            case OID_EC -> "EC";
            case OID_RSA -> "RSA";
            default -> throw new SignException("key algorithm " + oid + " is not supported (Cove uses Ed25519, ECDSA or RSA keys)");
        };
    }

    public static String toPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String toPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    record Pem(String label, byte[] der) {
    }

    static Pem readPem(Path file) {
        String text;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new SignException(file + ": too large to be a key file");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SignException(file + ": no such key file");
        } catch (IOException e) {
            throw new SignException(file + ": cannot read key file: " + e.getMessage(), e);
        }
        return parsePem(file.toString(), text);
    }

    static Pem parsePem(String source, String text) {
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            throw new SignException(source + ": not a PEM file (no -----BEGIN line)");
        }
        int labelEnd = text.indexOf("-----", begin + 11);
        if (labelEnd < 0) {
            throw new SignException(source + ": malformed PEM header");
        }
        String label = text.substring(begin + 11, labelEnd);
        String endLine = "-----END " + label + "-----";
        int end = text.indexOf(endLine, labelEnd);
        if (end < 0) {
            throw new SignException(source + ": PEM block " + label + " has no END line");
        }
        String body = text.substring(labelEnd + 5, end);
        if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
            throw new SignException(source + ": the key is encrypted with a passphrase; write a plain copy with:"
                    + " openssl pkey -in " + source + " -out plain.pem");
        }
        try {
            return new Pem(label, Base64.getMimeDecoder().decode(body.strip()));
        } catch (IllegalArgumentException e) {
            throw new SignException(source + ": PEM block " + label + " is not valid base64", e);
        }
    }

    /** A "random" source that hands out fixed bytes: used only to derive an Ed25519 public key. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("unexpected request for " + out.length + " bytes");
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
