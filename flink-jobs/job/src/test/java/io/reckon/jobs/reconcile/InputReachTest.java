package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class InputReachTest {

    private static final String A = "acct_1";
    private static final String M = "api_calls";

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void theReachIsTheThirdLargestUsageTimeOfDistinctRecordsOrTheLastFiniteWatermark() {
        InputReach reach = new InputReach(ReconSettings.NO_INPUT_END);
        assertThat(reach.judgeableBefore(ms("2026-03-12T00:00:00Z"))).isEqualTo(Long.MIN_VALUE);
        reach.usage(A, M, "e-1", ms("2026-03-10T09:59:59.999Z"));
        reach.usage(A, M, "e-2", ms("2026-03-10T10:30:00Z"));
        reach.usage(A, M, "e-2", ms("2026-03-10T10:20:00Z")); // a copy of e-2: not a second witness
        reach.usage(A, M, "e-4", ms("2026-03-10T11:15:00Z"));
        // One record dated far ahead does not stretch the reach.
        reach.usage(A, M, "e-5", ms("2026-12-01T00:00:00Z"));
        assertThat(reach.reach()).isEqualTo(ms("2026-03-10T10:30:00Z"));
        // Hours that end at or before the reach + 1 ms: the 10:00 hour is not complete.
        assertThat(reach.judgeableBefore(Long.MAX_VALUE)).isEqualTo(ms("2026-03-10T10:00:00Z"));
        assertThat(reach.judgeableBefore(ms("2026-03-10T09:00:00Z"))).isEqualTo(ms("2026-03-10T09:00:00Z"));
        // The jump to the end of time is no observation; a finite watermark is.
        reach.watermark(Long.MAX_VALUE);
        assertThat(reach.reach()).isEqualTo(ms("2026-03-10T10:30:00Z"));
        reach.watermark(ms("2026-03-10T14:00:00Z"));
        assertThat(reach.judgeableBefore(Long.MAX_VALUE)).isEqualTo(ms("2026-03-10T14:00:00Z"));
        // Whatever the order the records came in, the same reach.
        InputReach other = new InputReach(ReconSettings.NO_INPUT_END);
        other.usage(A, M, "e-6", ms("2026-12-01T00:00:00Z"));
        other.usage(A, M, "e-7", ms("2026-03-10T11:15:00Z"));
        other.usage(A, M, "e-8", ms("2026-03-10T10:30:00Z"));
        other.usage(A, M, "e-9", ms("2026-03-10T09:59:59.999Z"));
        assertThat(other.reach()).isEqualTo(ms("2026-03-10T10:30:00Z"));
    }

    /**
     * Three copies of one record dated weeks after the data (a producer's retries) stretch nothing: the
     * hours between the data's end and theirs are not judged, as the watermark does not move for them.
     * Until the reach went by record ids, three distinct times of one id were three witnesses, and a
     * replay of such a file raised a USAGE_DROP over the month after its data.
     */
    @Test
    void copiesOfOneRecordAreOneWitness() {
        InputReach reach = new InputReach(ReconSettings.NO_INPUT_END);
        reach.usage(A, M, "e-1", ms("2026-04-06T08:00:00Z"));
        reach.usage(A, M, "e-2", ms("2026-04-06T09:00:00Z"));
        reach.usage(A, M, "e-3", ms("2026-04-06T10:00:00Z"));
        for (String copy : new String[] {"2026-05-06T10:00:00Z", "2026-05-06T10:01:00Z", "2026-05-06T10:02:00Z"}) {
            reach.usage(A, M, "hostile", ms(copy));
        }
        assertThat(reach.reach()).isEqualTo(ms("2026-04-06T09:00:00Z"));
        // The same id under another meter is another record.
        reach.usage(A, "storage_gb", "hostile", ms("2026-05-06T10:00:00Z"));
        assertThat(reach.reach()).isEqualTo(ms("2026-04-06T10:00:00Z"));
    }

    @Test
    void aKnownInputEndIsEverySubtasksReachWhateverItsLastWatermark() {
        long end = ms("2026-03-10T18:30:00Z");
        // A subtask whose keys fell silent at 10:30, while the input goes on to 18:30.
        InputReach silent = new InputReach(end);
        silent.usage(A, M, "e-10", ms("2026-03-10T09:00:00Z"));
        silent.usage(A, M, "e-11", ms("2026-03-10T10:00:00Z"));
        silent.usage(A, M, "e-12", ms("2026-03-10T10:30:00Z"));
        assertThat(silent.judgeableBefore(Long.MAX_VALUE)).isEqualTo(ms("2026-03-10T18:00:00Z"));
        // The last finite watermark before the end, which depends on when it was emitted, changes nothing.
        InputReach early = new InputReach(end);
        early.watermark(ms("2026-03-10T12:00:00Z"));
        InputReach late = new InputReach(end);
        late.watermark(ms("2026-03-10T20:00:00Z"));
        assertThat(early.reach()).isEqualTo(end).isEqualTo(late.reach());
        // Without it, the same subtask went by its watermark.
        InputReach unknown = new InputReach(ReconSettings.NO_INPUT_END);
        unknown.watermark(ms("2026-03-10T20:00:00Z"));
        assertThat(unknown.reach()).isEqualTo(ms("2026-03-10T20:00:00Z"));
        // A subtask's own records beyond the known end still count (records the loader did not see).
        InputReach beyond = new InputReach(end);
        for (String t : new String[] {"2026-03-11T01:00:00Z", "2026-03-11T02:00:00Z", "2026-03-11T03:00:00Z"}) {
            beyond.usage(A, M, t, ms(t));
        }
        assertThat(beyond.reach()).isEqualTo(ms("2026-03-11T01:00:00Z"));
    }
}
