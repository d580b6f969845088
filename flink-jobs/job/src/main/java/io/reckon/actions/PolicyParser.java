package io.reckon.actions;

import io.reckon.jobs.ReckonConfiguration;
import io.reckon.jobs.reconcile.checks.AnomalyType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.YamlParserUtils;

/**
 * Reads and validates an {@link ActionPolicy}. Every mistake is refused at start with where it is and
 * why: an unknown key (with the nearest valid one), an unknown anomaly type, severity or action, a
 * fractional amount written as a YAML number, a webhook endpoint without a configured URL.
 *
 * <pre>{@code
 * ActionPolicy policy = PolicyParser.fromConfiguration(conf);   // actions.policy-file or actions.policy.rules
 * }</pre>
 */
public final class PolicyParser {

    static final List<String> RULE_KEYS = List.of("name", "match", "action", "endpoints", "require-approval");
    static final List<String> MATCH_KEYS =
            List.of("types", "final-only", "min-amount", "min-amount-minor", "min-confidence", "severities");
    static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");
    static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z0-9_]+");

    private PolicyParser() {}

    /**
     * The policy of the configuration: the file of {@link ActionOptions#POLICY_FILE} if set, else the
     * inline {@link ActionOptions#POLICY_RULES}, else an empty policy (no actions). Webhook endpoints must
     * be configured under {@code actions.webhooks.<name>.url}.
     *
     * @throws IllegalArgumentException naming the rule, the key and the reason
     */
    public static ActionPolicy fromConfiguration(ReadableConfig conf) {
        Set<String> endpoints = ActionOptions.webhooks(conf).keySet();
        String file = conf.get(ActionOptions.POLICY_FILE);
        if (file != null && !file.isBlank()) {
            if (!conf.get(ActionOptions.POLICY_RULES).isBlank()) {
                throw new IllegalArgumentException("set either " + ActionOptions.POLICY_FILE.key() + " or "
                        + ActionOptions.POLICY_RULES.key() + ", not both");
            }
            return fromFile(Path.of(file), endpoints);
        }
        String inline = conf.get(ActionOptions.POLICY_RULES);
        if (inline.isBlank()) {
            return ActionPolicy.empty();
        }
        return fromRules(load(inline, ActionOptions.POLICY_RULES.key()), ActionOptions.POLICY_RULES.key(), endpoints);
    }

    /**
     * A policy file: a YAML map with one key, {@code rules}, a list of rules.
     *
     * @param configuredEndpoints the webhook endpoints configured; null skips that check (a dry run that
     *     delivers nothing)
     */
    public static ActionPolicy fromFile(Path file, Set<String> configuredEndpoints) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the action policy " + file + ": " + e.getMessage(), e);
        }
        Object tree = load(text, file.toString());
        if (!(tree instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException(file + ": the policy must be a map with a 'rules' list");
        }
        for (Object key : top.keySet()) {
            if (!"rules".equals(key)) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' (the policy has only 'rules')");
            }
        }
        return fromRules(top.get("rules"), file.toString(), configuredEndpoints);
    }

    static Object load(String yaml, String where) {
        try {
            return YamlParserUtils.convertToObject(yaml, Object.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static ActionPolicy fromRules(Object rules, String where, Set<String> configuredEndpoints) {
        if (!(rules instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'rules' must be a non-empty list of rules");
        }
        List<PolicyRule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            PolicyRule rule = rule(list.get(i), where + ": rule " + (i + 1), configuredEndpoints);
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException(where + ": rule name '" + rule.name() + "' is used twice");
            }
            out.add(rule);
        }
        return new ActionPolicy(List.copyOf(out));
    }

    private static PolicyRule rule(Object node, String where, Set<String> configuredEndpoints) {
        Map<?, ?> m = map(node, where);
        checkKeys(m, RULE_KEYS, where);
        String name = string(m.get("name"), where + ": name", true);
        where = where + " (" + name + ")";
        ActionKind action;
        try {
            action = ActionKind.of(string(m.get("action"), where + ": action", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        List<String> endpoints = strings(m.get("endpoints"), where + ": endpoints");
        if (action == ActionKind.WEBHOOK) {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException(where + ": a webhook rule needs 'endpoints'");
            }
            for (String e : endpoints) {
                if (!ENDPOINT_NAME.matcher(e).matches()) {
                    throw new IllegalArgumentException(
                            where + ": endpoint name '" + e + "' must be lower-case letters, digits and _");
                }
                if (configuredEndpoints != null && !configuredEndpoints.contains(e)) {
                    throw new IllegalArgumentException(where + ": webhook endpoint '" + e + "' is not configured"
                            + " (set actions.webhooks." + e + ".url; configured: " + configuredEndpoints + ")");
                }
            }
        } else if (!endpoints.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'endpoints' is only for webhook rules");
        }
        boolean requireApproval = bool(m.get("require-approval"), false, where + ": require-approval");
        RuleMatch match = match(m.get("match"), where + ": match");
        return new PolicyRule(name, match, action, List.copyOf(endpoints), requireApproval);
    }

    private static RuleMatch match(Object node, String where) {
        Map<?, ?> m = node == null ? Map.of() : map(node, where);
        checkKeys(m, MATCH_KEYS, where);
        Set<String> types = new LinkedHashSet<>(strings(m.get("types"), where + ": types"));
        Set<String> known = Arrays.stream(AnomalyType.values()).map(Enum::name).collect(Collectors.toSet());
        for (String t : types) {
            if (!known.contains(t)) {
                String s = ReckonConfiguration.closest(t, known);
                if (s == null) {
                    s = known.stream()
                            .filter(k -> k.startsWith(t))
                            .sorted()
                            .findFirst()
                            .orElse(null);
                }
                throw new IllegalArgumentException(where + ": unknown anomaly type '" + t + "'"
                        + (s == null ? "" : " (did you mean '" + s + "'?)"));
            }
        }
        Set<String> severities = new LinkedHashSet<>(strings(m.get("severities"), where + ": severities"));
        for (String s : severities) {
            if (!SEVERITIES.contains(s)) {
                throw new IllegalArgumentException(where + ": unknown severity '" + s + "'; one of " + SEVERITIES);
            }
        }
        BigDecimal minAmount = decimal(m.get("min-amount"), where + ": min-amount", false);
        BigDecimal minAmountMinor = decimal(m.get("min-amount-minor"), where + ": min-amount-minor", false);
        if (minAmountMinor != null && minAmountMinor.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(where + ": min-amount-minor must be a whole number of minor units");
        }
        BigDecimal minConfidence = decimal(m.get("min-confidence"), where + ": min-confidence", true);
        if (minConfidence != null && (minConfidence.signum() < 0 || minConfidence.compareTo(BigDecimal.ONE) > 0)) {
            throw new IllegalArgumentException(where + ": min-confidence must be between 0 and 1");
        }
        return new RuleMatch(
                Set.copyOf(types),
                bool(m.get("final-only"), true, where + ": final-only"),
                minAmount,
                minAmountMinor == null ? null : minAmountMinor.longValueExact(),
                minConfidence,
                Set.copyOf(severities));
    }

    private static void checkKeys(Map<?, ?> m, List<String> allowed, String where) {
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                String s = ReckonConfiguration.closest(String.valueOf(k), allowed);
                throw new IllegalArgumentException(where + ": unknown key '" + k + "'"
                        + (s == null ? "" : " (did you mean '" + s + "'?)") + "; allowed: " + allowed);
            }
        }
    }

    private static Map<?, ?> map(Object node, String where) {
        if (node instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(where + " must be a map, not " + describe(node));
    }

    private static String string(Object v, String where, boolean required) {
        if (v == null || (v instanceof String s && s.isBlank())) {
            if (required) {
                throw new IllegalArgumentException(where + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(where + " must be a string, not " + describe(v));
        }
        return s.trim();
    }

    private static List<String> strings(Object v, String where) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s.trim());
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(where + " must be a list of strings, not " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            out.add(string(o, where, true));
        }
        return out;
    }

    private static boolean bool(Object v, boolean dflt, String where) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(where + " must be true or false, not " + describe(v));
    }

    /**
     * Whole YAML numbers and strings are exact; a YAML number with a fraction was already turned into a
     * binary double by the YAML parser, so amounts must then be quoted. A confidence is a score, not an
     * amount, and may be written either way.
     */
    private static BigDecimal decimal(Object v, String where, boolean doubleAllowed) {
        if (v == null) {
            return null;
        }
        BigDecimal d;
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            d = new BigDecimal(v.toString());
        } else if (v instanceof String s) {
            try {
                d = new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + s + "' is not a decimal number", e);
            }
        } else if (v instanceof Double x && doubleAllowed) {
            d = BigDecimal.valueOf(x);
        } else if (v instanceof Double) {
            throw new IllegalArgumentException(
                    where + ": write a fractional amount as a quoted string, e.g. '" + v + "', so it stays exact");
        } else {
            throw new IllegalArgumentException(where + " must be a number, not " + describe(v));
        }
        if (d.signum() < 0) {
            throw new IllegalArgumentException(where + " must not be negative");
        }
        return d;
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " '" + v + "'";
    }
}
