package io.reckon.actions;

/** The ids a contract holds for acting on its account: where to invoice and whom to ask. */
public class ContractRefs {
    public int version;
    public String stripeCustomerId;
    public String crmAccountId;

    public ContractRefs() {}

    public ContractRefs(int version, String stripeCustomerId, String crmAccountId) {
        this.version = version;
        this.stripeCustomerId = stripeCustomerId;
        this.crmAccountId = crmAccountId;
    }
}
