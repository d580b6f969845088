package io.reckon.bench;

/**
 * The benchmark's named workloads. Each sets the shape of the input; an explicit option of {@code
 * reckon bench} (events, accounts, rates) overrides the profile's value.
 */
public enum BenchProfile {
    /** 2,000,000 events on 250 accounts x 2 meters x 31 days: about 2.7 events per key and hour. */
    SPARSE("sparse", BenchWorkload.Options.defaults()),
    /** 10,000,000 events on 100 accounts x 2 meters x 31 days: about 67 events per key and hour. */
    DENSE("dense", BenchWorkload.Options.defaults().withEvents(10_000_000).withKeys(100, 2)),
    /**
     * The sparse workload with 5 % of records arriving 1 to 20 days late and every duplicate a late copy:
     * what the order-independent core costs when records are late (the SQL baseline then needs a
     * watermark 21 days behind to count them at all).
     */
    LATE("late", BenchWorkload.Options.defaults().withLateRate(0.05)),
    /**
     * The sparse workload's events spread over 10x the keys (2,500 accounts x 2 meters): about 0.27
     * events per key and hour, so most key-hours hold no record. What a key-hour without records costs.
     */
    WIDE("wide", BenchWorkload.Options.defaults().withKeys(2_500, 2)),
    /**
     * The sparse workload's 500 keys, plus 4,500 quiet keys with about one record a week each (2,500
     * accounts x 2 meters, 500 of the keys busy): 3,300,000 more key-hours, almost all without records.
     * Against sparse, what a key-hour without records costs on its own.
     */
    QUIET("quiet", BenchWorkload.Options.defaults().withKeys(2_500, 2).withBusyKeys(500));

    public final String label;
    public final BenchWorkload.Options options;

    BenchProfile(String label, BenchWorkload.Options options) {
        this.label = label;
        this.options = options;
    }

    public static BenchProfile parse(String label) {
        for (BenchProfile p : values()) {
            if (p.label.equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("--profile must be sparse, dense, late, wide or quiet, not " + label);
    }
}
