package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.Options;
import io.reckon.demo.DemoWorkload.TruthEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds a {@link DemoWorkload}. One {@link Random} seeded from the options drives every choice, in
 * a fixed order, so the output is a pure function of the options: the phases ({@link DemoAccounts},
 * {@link UsageSeries}, {@link MeteringLeaks}, {@link SignalCases}, {@link LateRecords}, {@link
 * BillingPlan}, {@link UpsellCases}, {@link WorkloadRendering}) run one after the other on the same
 * {@link WorkloadDraft}.
 *
 * <p>Volumes are sampled with doubles (log-normal account sizes, diurnal and weekly rates) and then
 * fixed as exact decimals when a record is created; every figure derived from records (aggregates,
 * prices, truth) is exact.
 */
final class WorkloadGenerator extends WorkloadDraft {

    WorkloadGenerator(Options o) {
        super(o);
    }

    DemoWorkload generate() {
        DemoAccounts accounts = new DemoAccounts(this);
        for (int i = 1; i <= o.accounts(); i++) {
            Profile p = accounts.profile(i);
            profiles.add(p);
            accounts.contracts(p);
        }
        UsageSeries series = new UsageSeries(this);
        for (Profile p : profiles) {
            for (String meter : o.meters()) {
                Key key = new Key(p.id(), meter);
                List<Rec> events = series.usage(p, meter, Kind.of(meter));
                usage.put(key, events);
                reports.put(key, baselineReports(key, Kind.of(meter), events));
            }
        }
        new MeteringLeaks(this).injectLeaks();
        SignalCases signals = new SignalCases(this);
        signals.injectSignals();
        LateRecords late = new LateRecords(this);
        late.chooseLateRecords();
        late.chooseAfterFinalHours();
        BillingPlan billing = new BillingPlan(this);
        billing.planInvoices();
        billing.injectBillingLeaks();
        billing.addInvoiceNoise();
        UpsellCases upsell = new UpsellCases(this);
        upsell.injectUpsellCases();
        upsell.addUpsellTruth();

        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, Integer> bad = new LinkedHashMap<>();
        WorkloadRendering render = new WorkloadRendering(this);
        files.put(DemoWorkload.CONTRACTS_FILE, render.renderContracts(bad));
        files.put(DemoWorkload.USAGE_FILE, render.renderRecords(DemoWorkload.USAGE_FILE, usage, usageArrival, bad));
        files.put(
                DemoWorkload.REPORTED_FILE,
                render.renderRecords(DemoWorkload.REPORTED_FILE, reports, reportArrival, bad));
        files.put(DemoWorkload.INVOICES_FILE, render.renderInvoices(bad));
        truth.sort(Comparator.comparing(TruthEntry::type)
                .thenComparing(TruthEntry::accountId)
                .thenComparing(TruthEntry::meter)
                .thenComparing(TruthEntry::periodStart));
        List<String> truthLines = new ArrayList<>();
        for (TruthEntry t : truth) {
            ObjectNode n = DemoWorkload.truthJson(t);
            n.setAll(truthDetails.get(t));
            truthLines.add(DemoJson.line(n));
        }
        files.put(DemoWorkload.TRUTH_FILE, truthLines);
        return new DemoWorkload(
                o, files, truth, bad, stats, signals.signalKeyHours(false), signals.signalKeyHours(true), rangeEnd);
    }
}
