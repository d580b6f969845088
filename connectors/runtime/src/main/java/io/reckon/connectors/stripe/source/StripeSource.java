package io.reckon.connectors.stripe.source;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source of one Stripe stream: invoice lines from the Events API ({@link #events}) or hourly
 * meter event summaries as reported usage ({@link #summaries}), mapped to (account, meter) through the
 * contracts, with unmappable objects as {@link StripeRecord.Kind#UNMAPPED} records. The position
 * (last event; summary values emitted) is checkpointed, so with a transactional sink every line and
 * summary arrives once across restarts.
 *
 * <pre>{@code
 * StripeSourceSettings settings = StripeSourceSettings.fromConfig(conf);
 * ContractLookup.Factory contracts = KafkaContractLookup.factory(conf);
 * env.fromSource(StripeSource.events(settings, contracts), WatermarkStrategy.noWatermarks(), "stripe-events")
 *         .uid("stripe-events-source");
 * }</pre>
 */
public final class StripeSource implements Source<StripeRecord, StripeSplit, List<StripeSplit>> {

    private static final long serialVersionUID = 1L;

    private final StripeSplit.Stream stream;
    private final StripeSourceSettings settings;
    private final ContractLookup.Factory contracts;
    private final Clock clock;

    private StripeSource(
            StripeSplit.Stream stream, StripeSourceSettings settings, ContractLookup.Factory contracts, Clock clock) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.contracts = Objects.requireNonNull(contracts, "contracts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Invoice lines from {@code invoice.*} events. */
    public static StripeSource events(StripeSourceSettings settings, ContractLookup.Factory contracts) {
        return new StripeSource(StripeSplit.Stream.EVENTS, settings, contracts, Clock.systemUTC());
    }

    /** Hourly meter event summaries of every mapped (customer, meter), as {@code kind=summary} reports. */
    public static StripeSource summaries(StripeSourceSettings settings, ContractLookup.Factory contracts) {
        return new StripeSource(StripeSplit.Stream.SUMMARIES, settings, contracts, Clock.systemUTC());
    }

    /** The same source reading time from {@code clock} (the summary windows, observation times, lag). */
    public StripeSource withClock(Clock clock) {
        return new StripeSource(stream, settings, contracts, clock);
    }

    @Override
    public Boundedness getBoundedness() {
        return settings.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<StripeRecord, StripeSplit> createReader(SourceReaderContext context) {
        long interval = (stream == StripeSplit.Stream.EVENTS
                        ? settings.pollInterval()
                        : settings.summariesPollInterval())
                .toMillis();
        StripeMetrics metrics = new StripeMetrics(interval).register(context.metricGroup());
        String apiKey = settings.resolveApiKey();
        return new StripeSourceReader(
                () -> {
                    StripeApi api = new StripeApi(settings, apiKey, metrics);
                    ContractLookup lookup = contracts.open();
                    return stream == StripeSplit.Stream.EVENTS
                            ? new EventsSplitReader(api, lookup, settings, metrics, clock)
                            : new SummariesSplitReader(api, lookup, settings, metrics, clock);
                },
                context);
    }

    @Override
    public SplitEnumerator<StripeSplit, List<StripeSplit>> createEnumerator(
            SplitEnumeratorContext<StripeSplit> context) {
        return new StripeSplitEnumerator(context, List.of(StripeSplit.initial(stream)));
    }

    @Override
    public SplitEnumerator<StripeSplit, List<StripeSplit>> restoreEnumerator(
            SplitEnumeratorContext<StripeSplit> context, List<StripeSplit> checkpoint) {
        return new StripeSplitEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<StripeSplit> getSplitSerializer() {
        return StripeSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<List<StripeSplit>> getEnumeratorCheckpointSerializer() {
        return StripeSplitSerializer.Pending.INSTANCE;
    }
}
