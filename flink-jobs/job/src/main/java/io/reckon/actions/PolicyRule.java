package io.reckon.actions;

import java.io.Serializable;
import java.util.List;

/**
 * One rule of the {@link ActionPolicy}: when an anomaly revision matches, take the action.
 *
 * @param name the rule's name; actions record {@code policy:<name>} as their proposer
 * @param match the conditions
 * @param action what to do
 * @param endpoints the webhook endpoints to deliver to (webhook rules only)
 * @param requireApproval the action is {@code proposed} and waits for an approval record
 */
public record PolicyRule(
        String name, RuleMatch match, ActionKind action, List<String> endpoints, boolean requireApproval)
        implements Serializable {}
