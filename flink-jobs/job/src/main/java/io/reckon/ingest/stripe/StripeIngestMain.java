package io.reckon.ingest.stripe;

import io.reckon.jobs.ReckonConfiguration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Cluster entry point of the Stripe ingest job (application mode). Configuration as for the
 * reconciliation job ({@code stripe.*}, {@code kafka.*}, {@code schema-registry.*}, with {@code
 * RECKON_*} environment overrides); the API key from {@code stripe.api-key-file} or {@code
 * RECKON_STRIPE_API_KEY}. Checkpointing must be on: the sinks commit their transactions on checkpoints.
 */
public final class StripeIngestMain {

    private StripeIngestMain() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = ReckonConfiguration.load(null, System.getenv());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StripeIngestWiring.define(env, conf);
        env.execute("reckon-stripe-ingest");
    }
}
