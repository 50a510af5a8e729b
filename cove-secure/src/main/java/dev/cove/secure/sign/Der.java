package dev.cove.secure.sign;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to read and re-wrap the key structures that {@code openssl} writes (SPKI,
 * PKCS#8, SEC1, PKCS#1). Every length is checked against the input before use, so a damaged key
 * file fails with a message instead of an exception from deep inside the JDK.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    /** One element: its tag, and its content bytes. */
    record Element(int tag, byte[] content) {
        List<Element> children() {
            return parseAll(content);
        }

        BigInteger integer() {
            expect(INTEGER);
            return new BigInteger(content);
        }

        String oid() {
            expect(OID);
            return decodeOid(content);
        }

        /** The content of a BIT STRING without its unused-bits byte. */
        byte[] bits() {
            expect(BIT_STRING);
            if (content.length == 0 || content[0] != 0) {
                throw new IllegalArgumentException("unsupported BIT STRING");
            }
            return Arrays.copyOfRange(content, 1, content.length);
        }

        void expect(int wanted) {
            if (tag != wanted) {
                throw new IllegalArgumentException("expected DER tag 0x" + Integer.toHexString(wanted)
                        + " but found 0x" + Integer.toHexString(tag));
            }
        }

        byte[] encoded() {
            return Der.encode(tag, content);
        }
    }

    private Der() {
    }

    static Element parse(byte[] der) {
        List<Element> all = parseAll(der);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one DER element, found " + all.size());
        }
        return all.get(0);
    }

    static List<Element> parseAll(byte[] der) {
        List<Element> out = new ArrayList<>();
        int pos = 0;
        while (pos < der.length) {
            if (der.length - pos < 2) {
                throw new IllegalArgumentException("truncated DER element");
            }
            int tag = der[pos++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new IllegalArgumentException("multi-byte DER tags are not supported");
            }
            int first = der[pos++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int n = first & 0x7f;
                if (n == 0 || n > 4 || der.length - pos < n) {
                    throw new IllegalArgumentException("bad DER length");
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (der[pos++] & 0xff);
                }
            }
            if (length > der.length - pos) {
                throw new IllegalArgumentException("DER element runs past the end of its container");
            }
            out.add(new Element(tag, Arrays.copyOfRange(der, pos, pos + (int) length)));
            pos += (int) length;
        }
        return out;
    }

    static byte[] encode(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        return encode(SEQUENCE, body.toByteArray());
    }

    static byte[] integer(int value) {
        return encode(INTEGER, BigInteger.valueOf(value).toByteArray());
    }

    static byte[] octetString(byte[] content) {
        return encode(OCTET_STRING, content);
    }

    static byte[] bitString(byte[] content) {
        byte[] withPad = new byte[content.length + 1];
        System.arraycopy(content, 0, withPad, 1, content.length);
        return encode(BIT_STRING, withPad);
    }

    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            long v = Long.parseLong(parts[i]);
            byte[] tmp = new byte[10];
            int n = 0;
            do {
                tmp[n++] = (byte) (v & 0x7f);
                v >>>= 7;
            } while (v != 0);
            for (int j = n - 1; j >= 0; j--) {
                out.write(tmp[j] | (j > 0 ? 0x80 : 0));
            }
        }
        return encode(OID, out.toByteArray());
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static String decodeOid(byte[] c) {
        if (c.length == 0) {
            throw new IllegalArgumentException("empty OID");
        }
        StringBuilder sb = new StringBuilder();
        int first = c[0] & 0xff;
        sb.append(Math.min(first / 40, 2)).append('.').append(first - Math.min(first / 40, 2) * 40);
        long v = 0;
        for (int i = 1; i < c.length; i++) {
            v = (v << 7) | (c[i] & 0x7f);
            if ((c[i] & 0x80) == 0) {
                sb.append('.').append(v);
                v = 0;
            } else if (v > (Long.MAX_VALUE >>> 7)) {
                throw new IllegalArgumentException("OID component too large");
            }
        }
        return sb.toString();
    }
}
