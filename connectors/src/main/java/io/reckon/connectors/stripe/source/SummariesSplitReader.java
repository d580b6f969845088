package io.reckon.connectors.stripe.source;

import com.stripe.model.StripeCollection;
import com.stripe.model.billing.MeterEventSummary;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls, round after round, the hourly meter event summaries of every (customer, Stripe meter) that a
 * contract maps, over the open billing period and the previous one ({@link SummaryWindow}), one page
 * per fetch. A summary is emitted as a {@code kind=summary} reported record when it is new (and not
 * zero) or its value changed since it was last emitted; the values emitted are the split's checkpointed
 * state, so a restart emits each changed summary once.
 *
 * <p>{@code updated_at} of a summary is when it was observed: Stripe keeps no update time for
 * summaries, and a later observation of a changed value is the later record.
 */
final class SummariesSplitReader implements SplitReader<StripeBatch, StripeSplit> {

    /** Dead-letter source of (customer, meter) pairs Stripe refuses to summarize. */
    static final String SOURCE = "stripe.meter_event_summary";

    /** Marks older than this are of hours no window reaches any more (two periods are at most 62 days). */
    static final Duration MARK_RETENTION = Duration.ofDays(70);

    private static final Logger LOG = LoggerFactory.getLogger(SummariesSplitReader.class);

    private final StripeApi api;
    private final ContractLookup contracts;
    private final StripeSourceSettings settings;
    private final StripeMetrics metrics;
    private final Clock clock;
    private final Pause pause = new Pause();
    private final Set<ContractIndex.SummaryTarget> refused = new HashSet<>();

    private String splitId;
    private Map<String, SummaryMark> marks = new HashMap<>();
    private List<ContractIndex.SummaryTarget> round;
    private int target;
    private String pageAfter;
    private long nextRoundAt;
    private boolean finished;

    SummariesSplitReader(
            StripeApi api,
            ContractLookup contracts,
            StripeSourceSettings settings,
            StripeMetrics metrics,
            Clock clock) {
        this.api = api;
        this.contracts = contracts;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public RecordsWithSplitIds<StripeBatch> fetch() throws IOException {
        RecordsBySplits.Builder<StripeBatch> out = new RecordsBySplits.Builder<>();
        if (splitId == null || finished) {
            return out.build();
        }
        if (round == null) {
            long wait = nextRoundAt - clock.millis();
            if (wait > 0) {
                sleep(Duration.ofMillis(wait));
                return out.build();
            }
            round = contracts.refresh().summaryTargets();
            target = 0;
            pageAfter = null;
        }
        if (target >= round.size()) {
            round = null;
            nextRoundAt = clock.millis() + settings.summariesPollInterval().toMillis();
            metrics.lag(0);
            if (settings.bounded()) {
                finished = true;
                out.addFinishedSplit(splitId);
            }
            return out.build();
        }
        ContractIndex.SummaryTarget t = round.get(target);
        long now = clock.millis();
        SummaryWindow window = SummaryWindow.of(t.anchorDay(), java.time.Instant.ofEpochMilli(now));
        StripeCollection<MeterEventSummary> page;
        try {
            page = api.hourlySummaries(
                    t.stripeMeterId(),
                    t.customerId(),
                    window.start().getEpochSecond(),
                    window.end().getEpochSecond(),
                    pageAfter);
        } catch (StripeCallException e) {
            if (!e.refused()) {
                throw e;
            }
            nextTarget();
            if (refused.add(t)) {
                // Dead-lettered once per reader: every round would repeat the same refusal.
                LOG.warn("Stripe refused the summaries of {}: {}", t, e.getMessage());
                metrics.unmapped(1);
                out.add(
                        splitId,
                        StripeBatch.ofSummaries(
                                List.of(StripeRecord.unmapped(
                                        SOURCE,
                                        "{\"customer\":\"" + t.customerId() + "\",\"meter\":\"" + t.stripeMeterId()
                                                + "\"}",
                                        "meter event summaries of Stripe meter " + t.stripeMeterId() + " for customer "
                                                + t.customerId() + " (account " + t.accountId() + ", meter " + t.meter()
                                                + "): " + e.getMessage(),
                                        now)),
                                Map.of(),
                                0L));
            }
            return out.build();
        }
        List<StripeRecord> records = new ArrayList<>();
        Map<String, SummaryMark> emitted = new HashMap<>();
        for (MeterEventSummary s : page.getData()) {
            BigDecimal value = s.getAggregatedValue() == null ? BigDecimal.ZERO : s.getAggregatedValue();
            String reportId = SummaryWindow.reportId(t.stripeMeterId(), t.customerId(), s.getStartTime());
            SummaryMark earlier = marks.get(reportId);
            boolean changed =
                    earlier == null ? value.signum() != 0 : earlier.quantity().compareTo(value) != 0;
            if (changed) {
                long hour = s.getStartTime() * 1000L;
                records.add(StripeRecord.summary(reportId, t.accountId(), t.meter(), hour, value, now));
                emitted.put(reportId, new SummaryMark(hour, value));
            }
        }
        marks.putAll(emitted);
        long pruneBefore = now - MARK_RETENTION.toMillis();
        marks.values().removeIf(m -> m.hourStart() < pruneBefore);
        metrics.mapped(records.size());
        if (Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()) {
            pageAfter = page.getData().get(page.getData().size() - 1).getId();
        } else {
            nextTarget();
        }
        out.add(splitId, StripeBatch.ofSummaries(records, emitted, pruneBefore));
        return out.build();
    }

    private void nextTarget() {
        target++;
        pageAfter = null;
    }

    private void sleep(Duration d) throws InterruptedIOException {
        try {
            pause.await(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between two rounds of Stripe summaries");
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<StripeSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            return;
        }
        for (StripeSplit split : splitsChanges.splits()) {
            splitId = split.splitId();
            marks = new HashMap<>(split.marks());
            round = null;
            nextRoundAt = 0;
            finished = false;
        }
    }

    @Override
    public void wakeUp() {
        pause.wake();
    }

    @Override
    public void close() {
        contracts.close();
    }
}
