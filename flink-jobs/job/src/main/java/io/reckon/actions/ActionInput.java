package io.reckon.actions;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;

/**
 * What an input of the action job yields for one Kafka record: an anomaly revision, an approval, or a
 * dead letter. Decoding failures are values so a bad record neither stops the job nor goes unseen.
 */
public class ActionInput {
    public AnomalyRecord anomaly;
    public ApprovalRecord approval;
    public DeadLetterRecord deadLetter;

    public ActionInput() {}

    public static ActionInput of(AnomalyRecord a) {
        ActionInput i = new ActionInput();
        i.anomaly = a;
        return i;
    }

    public static ActionInput of(ApprovalRecord a) {
        ActionInput i = new ActionInput();
        i.approval = a;
        return i;
    }

    public static ActionInput of(DeadLetterRecord d) {
        ActionInput i = new ActionInput();
        i.deadLetter = d;
        return i;
    }
}
