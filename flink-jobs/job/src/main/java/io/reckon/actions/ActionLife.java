package io.reckon.actions;

/** The state of one action id in {@link ActionLifecycle}. */
public class ActionLife {
    /** Waits for an approval. */
    public static final String PROPOSED = "proposed";
    /** Sent to its executor; never sent again. */
    public static final String DISPATCHED = "dispatched";
    /** Withdrawn because a later revision no longer matched; a matching revision proposes it again. */
    public static final String WITHDRAWN = "withdrawn";
    /** Rejected by a person; stays so. */
    public static final String REJECTED = "rejected";

    public String status;
    /** The latest anomaly revision seen for this action. */
    public int revision;
    /** The revision that was sent for execution, 0 before. */
    public int dispatchedRevision;
    /** The latest matching command, from which the request is built. */
    public ActionCommand command;

    public ActionLife() {}
}
