package io.reckon.jobs.reconcile;

import java.security.SecureRandom;

/**
 * The hash under which {@link IdTable} keeps an id: SipHash-2-4 of the id's UTF-16 code units (little
 * endian, as Guava's {@code hashUnencodedChars}) under a key drawn once per JVM.
 *
 * <p>Ids come from producers Reckon does not control. Under {@link String#hashCode} anyone can make as
 * many ids of one hash as they like ("Aa" and "BB" hash alike, so do the 2^16 strings of 16 such
 * pairs), and ids of one hash share one probe sequence: each new one compared with all before it, 32,000
 * of them took 2.6 s in one key, and time grows with their square. A keyed hash, whose key no one
 * outside the process knows, spreads them as any other ids (docs/reconciliation.md,
 * "Deduplication"). The hash is never persisted: a checkpoint holds the ids, and a restore hashes
 * them again under the new process's key.
 *
 * <p>Written by hand because the libraries' SipHash (Guava's) reads bytes through a hasher object
 * allocated per call, and this runs for every record; {@code IdHashTest} holds it to Guava's output.
 */
final class IdHash {

    private static final long K0;
    private static final long K1;

    static {
        SecureRandom random = new SecureRandom();
        K0 = random.nextLong();
        K1 = random.nextLong();
    }

    private IdHash() {}

    /** The id's hash under this process's key. */
    static long of(String id) {
        return sipHash24(K0, K1, id);
    }

    /** SipHash-2-4 with key ({@code k0}, {@code k1}) of the chars of {@code s}, two bytes each. */
    static long sipHash24(long k0, long k1, String s) {
        Sip sip = new Sip(k0, k1);
        int n = s.length();
        int full = n & ~3;
        for (int i = 0; i < full; i += 4) {
            sip.compress(s.charAt(i)
                    | (long) s.charAt(i + 1) << 16
                    | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48);
        }
        long last = (long) (2 * n) << 56;
        for (int i = full; i < n; i++) {
            last |= (long) s.charAt(i) << (16 * (i - full));
        }
        sip.compress(last);
        return sip.finish();
    }

    /** SipHash's four words of state (an object the JIT keeps in registers: it never leaves the call). */
    private static final class Sip {
        private long v0;
        private long v1;
        private long v2;
        private long v3;

        Sip(long k0, long k1) {
            v0 = k0 ^ 0x736f6d6570736575L;
            v1 = k1 ^ 0x646f72616e646f6dL;
            v2 = k0 ^ 0x6c7967656e657261L;
            v3 = k1 ^ 0x7465646279746573L;
        }

        /** One 8-byte word, two rounds. */
        void compress(long m) {
            v3 ^= m;
            round();
            round();
            v0 ^= m;
        }

        /** Four rounds after the last word. */
        long finish() {
            v2 ^= 0xff;
            round();
            round();
            round();
            round();
            return v0 ^ v1 ^ v2 ^ v3;
        }

        private void round() {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13) ^ v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16) ^ v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17) ^ v2;
            v2 = Long.rotateLeft(v2, 32);
        }
    }
}
