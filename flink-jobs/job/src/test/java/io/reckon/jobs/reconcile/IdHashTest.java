package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link IdHash} is SipHash-2-4: Guava's for any key and any string, of every length mod 4. */
class IdHashTest {

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings()
                        .withCharRange('0', '9')
                        .ofMinLength(1)
                        .ofMaxLength(12)
                        .map(s -> "u-" + s));
    }

    @Property(tries = 2_000)
    void isGuavasSipHash24(@ForAll long k0, @ForAll long k1, @ForAll("ids") String id) {
        assertThat(IdHash.sipHash24(k0, k1, id))
                .isEqualTo(Hashing.sipHash24(k0, k1).hashUnencodedChars(id).asLong());
    }

    @Test
    void theReferenceVectorOfTheSipHashPaper() {
        // The key 00 01 .. 0f of the SipHash paper (Aumasson and Bernstein, appendix A). Chars are
        // hashed as two bytes each, low byte first: the chars 0x0100, 0x0302, ... are the bytes 00 01
        // 02 03 ...; the empty input's output is the first of the paper's test vectors.
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        String fourteenBytes = "\u0100\u0302\u0504\u0706\u0908\u0b0a\u0d0c";
        assertThat(IdHash.sipHash24(k0, k1, fourteenBytes))
                .isEqualTo(Hashing.sipHash24(k0, k1)
                        .hashBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
                        .asLong());
        assertThat(IdHash.sipHash24(k0, k1, "")).isEqualTo(0x726fdb47dd0e0e31L);
    }
}
