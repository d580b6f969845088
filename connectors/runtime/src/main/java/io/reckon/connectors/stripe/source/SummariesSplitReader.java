package io.reckon.connectors.stripe.source;

import com.stripe.model.StripeCollection;
import com.stripe.model.billing.MeterEventSummary;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * contract maps, over the open billing period and the ones before it ({@link SummaryWindow}, {@code
 * stripe.summaries.periods}), one page per fetch. A summary is emitted as a {@code kind=summary}
 * reported record when it is new (and not zero) or its value changed since it was last emitted; the
 * changed summaries of a round are handed on in hour order once every target is read ({@link
 * SummaryRound}), a page's worth per fetch. The values emitted are the split's checkpointed state, so
 * a restart emits each changed summary once.
 *
 * <p>{@code updated_at} of a summary is when the round that observed it started: Stripe keeps no update
 * time for summaries, and a later round's observation of a changed value is the later record.
 */
final class SummariesSplitReader implements SplitReader<StripeBatch, StripeSplit> {

    /** Dead-letter source of (customer, meter) pairs Stripe refuses to summarize. */
    static final String SOURCE = "stripe.meter_event_summary";

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
    private SummaryRound round;
    private long roundStartedAt;
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

    /**
     * Marks of hours no window reaches any more are dropped: the periods read back, at most 31 days
     * each, and a week of margin.
     */
    static Duration markRetention(int periods) {
        return Duration.ofDays(31L * periods + 7);
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
            roundStartedAt = clock.millis();
            round = new SummaryRound(
                    contracts.refresh().summaryTargets(),
                    Instant.ofEpochMilli(roundStartedAt),
                    settings.summariesPeriods());
            pageAfter = null;
        }
        SummaryRound.Request request = round.request();
        if (request != null) {
            read(request, out);
            return out.build();
        }
        List<StripeRecord> records = new ArrayList<>();
        Map<String, SummaryMark> emitted = new HashMap<>();
        // Only summaries that changed since they were last emitted are in the round.
        for (SummaryRound.Read r : round.take(settings.pageSize())) {
            ContractIndex.SummaryTarget t = round.target(r.target());
            String reportId = SummaryWindow.reportId(t.stripeMeterId(), t.customerId(), r.hourStart());
            long hour = r.hourStart() * 1000L;
            records.add(StripeRecord.summary(reportId, t.accountId(), t.meter(), hour, r.value(), roundStartedAt));
            emitted.put(reportId, new SummaryMark(hour, r.value()));
        }
        marks.putAll(emitted);
        // Marks of hours no window reaches any more go once a round, with its last batch: pruning at
        // every batch would walk every mark every time.
        long pruneBefore = 0L;
        if (round.finished()) {
            long before =
                    roundStartedAt - markRetention(settings.summariesPeriods()).toMillis();
            marks.values().removeIf(m -> m.hourStart() < before);
            pruneBefore = before;
        }
        metrics.mapped(records.size());
        out.add(splitId, StripeBatch.ofSummaries(records, emitted, pruneBefore));
        if (round.finished()) {
            round = null;
            nextRoundAt = clock.millis() + settings.summariesPollInterval().toMillis();
            metrics.lag(0);
            if (settings.bounded()) {
                finished = true;
                out.addFinishedSplit(splitId);
            }
        }
        return out.build();
    }

    /** Reads one page of a target's window and keeps the summaries that changed since last emitted. */
    private void read(SummaryRound.Request request, RecordsBySplits.Builder<StripeBatch> out) throws IOException {
        ContractIndex.SummaryTarget t = request.summaryTarget();
        StripeCollection<MeterEventSummary> page;
        try {
            page = api.hourlySummaries(t.stripeMeterId(), t.customerId(), request.start(), request.end(), pageAfter);
        } catch (StripeCallException e) {
            if (!e.refused()) {
                throw e;
            }
            round.done(request.target());
            pageAfter = null;
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
                                        clock.millis())),
                                Map.of(),
                                0L));
            }
            return;
        }
        List<SummaryRound.Read> changed = new ArrayList<>();
        for (MeterEventSummary s : page.getData()) {
            BigDecimal value = s.getAggregatedValue() == null ? BigDecimal.ZERO : s.getAggregatedValue();
            SummaryMark earlier =
                    marks.get(SummaryWindow.reportId(t.stripeMeterId(), t.customerId(), s.getStartTime()));
            if (earlier == null ? value.signum() != 0 : earlier.quantity().compareTo(value) != 0) {
                changed.add(new SummaryRound.Read(request.target(), s.getStartTime(), value));
            }
        }
        round.add(request.target(), changed);
        if (Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()) {
            pageAfter = page.getData().get(page.getData().size() - 1).getId();
        } else {
            pageAfter = null;
            round.done(request.target());
        }
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
            pageAfter = null;
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
