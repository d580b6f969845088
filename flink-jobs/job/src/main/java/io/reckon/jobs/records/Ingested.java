package io.reckon.jobs.records;

/**
 * What a source yields for one input record: exactly one of a valid meter event, a valid contract
 * version, or a dead letter. Decoding failures are values, not exceptions, so a bad record never
 * fails the source and is never lost; {@code IngestRouter} splits them right after the source.
 */
public class Ingested {
    public MeterEvent meterEvent;
    public ContractEvent contract;
    public DeadLetterRecord deadLetter;

    public Ingested() {}

    public static Ingested of(MeterEvent e) {
        Ingested i = new Ingested();
        i.meterEvent = e;
        return i;
    }

    public static Ingested of(ContractEvent c) {
        Ingested i = new Ingested();
        i.contract = c;
        return i;
    }

    public static Ingested of(DeadLetterRecord d) {
        Ingested i = new Ingested();
        i.deadLetter = d;
        return i;
    }
}
