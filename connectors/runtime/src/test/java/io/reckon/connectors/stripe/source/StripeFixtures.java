package io.reckon.connectors.stripe.source;

import io.reckon.avro.Contract;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

/** Contracts, settings and a reader driver shared by the Stripe source tests. */
final class StripeFixtures {

    static final String API_KEY = "rk_test_reckon";

    private StripeFixtures() {}

    /** acct_1 (cus_1): api_calls by Stripe meter mtr_api, storage_gb by price price_storage. */
    static Contract contract(String account, String customer, int version) {
        return Contract.newBuilder()
                .setAccountId(account)
                .setVersion(version)
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setCurrency("usd")
                .setBillingAnchorDay(1)
                .setStripeCustomerId(customer)
                .setMeters(List.of(meter("api_calls", null, "mtr_api"), meter("storage_gb", "price_storage", null)))
                .build();
    }

    private static MeterTerms meter(String name, String price, String stripeMeter) {
        return MeterTerms.newBuilder()
                .setMeter(name)
                .setStripePriceId(price)
                .setStripeMeterId(stripeMeter)
                .setPricing(Pricing.newBuilder()
                        .setModel("per_unit")
                        .setUnitAmountDecimal(new BigDecimal("0.010000000000"))
                        .build())
                .build();
    }

    static StripeSourceSettings settings(String apiBase, int pageSize) {
        return new StripeSourceSettings(
                apiBase,
                null,
                null,
                Duration.ofMillis(50),
                Duration.ofMillis(50),
                2,
                pageSize,
                new RateLimitBackoff(Duration.ofMillis(5), Duration.ofMillis(50), 8),
                Duration.ofSeconds(10),
                true);
    }

    /**
     * Drives a split reader as the source reader does: fetches, emits batches one at a time into {@link
     * #emitted} and moves the split state past each; {@link #checkpoint} is what a checkpoint would hold.
     */
    static final class Driver {
        final SplitReader<StripeBatch, StripeSplit> reader;
        final StripeSplitState state;
        final List<StripeRecord> emitted = new ArrayList<>();
        private final List<StripeBatch> fetched = new ArrayList<>();
        private boolean finished;
        /** How many records had been emitted when {@link #checkpoint} was last taken. */
        int emittedAtCheckpoint;

        Driver(SplitReader<StripeBatch, StripeSplit> reader, StripeSplit split) {
            this.reader = reader;
            this.state = new StripeSplitState(split);
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        }

        /** Emits one batch (fetching as needed); false once the split is finished and all emitted. */
        boolean emitOne() throws Exception {
            while (fetched.isEmpty() && !finished) {
                RecordsWithSplitIds<StripeBatch> records = reader.fetch();
                while (records.nextSplit() != null) {
                    StripeBatch batch;
                    while ((batch = records.nextRecordFromSplit()) != null) {
                        fetched.add(batch);
                    }
                }
                finished = !records.finishedSplits().isEmpty();
                records.recycle();
            }
            if (fetched.isEmpty()) {
                return false;
            }
            StripeBatch batch = fetched.remove(0);
            emitted.addAll(batch.records());
            state.apply(batch);
            return true;
        }

        /** Batches fetched but not emitted: lost when the task fails now. */
        int pending() {
            return fetched.size();
        }

        void drain() throws Exception {
            while (emitOne()) {}
        }

        /** The split as a checkpoint would store it (through its serializer). */
        StripeSplit checkpoint() throws Exception {
            emittedAtCheckpoint = emitted.size();
            StripeSplitSerializer s = StripeSplitSerializer.INSTANCE;
            return s.deserialize(s.getVersion(), s.serialize(state.toSplit()));
        }
    }
}
