package io.reckon.jobs.reconcile;

/** Usage and reported records of one key in one UTC hour. */
public class HourBucket {
    public Agg usage = new Agg();
    public Agg reported = new Agg();

    public HourBucket() {}
}
