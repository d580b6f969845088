package io.reckon.jobs.reconcile;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Usage and reported records of one key in one UTC hour. Serialized by {@link HourBucketSerializer}
 * (compact and exact), not as a POJO: the operator keeps one per hour of the period.
 */
@TypeInfo(HourBucketTypeInfoFactory.class)
public class HourBucket {
    public Agg usage = new Agg();
    public Agg reported = new Agg();

    public HourBucket() {}
}
