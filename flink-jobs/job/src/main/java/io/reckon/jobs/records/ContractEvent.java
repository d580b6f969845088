package io.reckon.jobs.records;

/**
 * One contract version on its way to broadcast state. The contract travels as its canonical JSON
 * (the format of the reconciliation spec): a plain string keeps broadcast state free of Kryo and
 * readable in a savepoint, and the JSON format is versioned with the spec rather than with a class.
 */
public class ContractEvent {
    public String accountId;
    public int version;
    public String json;

    public ContractEvent() {}

    public ContractEvent(String accountId, int version, String json) {
        this.accountId = accountId;
        this.version = version;
        this.json = json;
    }
}
