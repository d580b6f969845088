package io.reckon.connectors.stripe.source;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

/**
 * Reads invoice events oldest first and turns each into its invoice lines. Stripe lists events newest
 * first; {@code ending_before=<last event>} returns the page just newer than the cursor, which is
 * reversed and handed on one event at a time (each with the cursor after it).
 *
 * <p>Without a cursor (first start, no checkpoint) the reader pages from the newest event back to the
 * oldest one Stripe keeps (or {@code stripe.events.start}), emitting nothing, and starts from the last
 * page it found: memory stays one page whatever the history.
 *
 * <p>The lines of an event get {@code updated_at} from {@link InvoiceEventClock}: the event's {@code
 * created} in milliseconds plus its rank among its invoice's events of that second, in this reading
 * order, so that two states of one invoice in the same second keep Stripe's order.
 *
 * <p>An invoice whose embedded lines are incomplete ({@code lines.has_more}), or whose event was
 * rendered at another API version than the pinned one, is completed through {@code GET
 * /v1/invoices/{id}/lines}; a deleted invoice cannot be, and its embedded lines become void. A line
 * deleted from a draft becomes void at the invoice's next event ({@link DraftLines}).
 */
final class EventsSplitReader implements SplitReader<StripeBatch, StripeSplit> {

    /** Dead-letter source of events whose invoice cannot be read. */
    static final String EVENT_SOURCE = "stripe.event";

    private final StripeApi api;
    private final ContractLookup contracts;
    private final StripeSourceSettings settings;
    private final StripeMetrics metrics;
    private final Clock clock;
    private final Pause pause = new Pause();

    private String splitId;
    private String cursor;
    private String bootstrapAfter;
    private InvoiceEventClock eventClock = InvoiceEventClock.start();
    private DraftLines drafts = new DraftLines(Map.of());
    private boolean finished;

    EventsSplitReader(
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
        if (splitId == null || finished) {
            return new RecordsBySplits.Builder<StripeBatch>().build();
        }
        RecordsBySplits.Builder<StripeBatch> out = new RecordsBySplits.Builder<>();
        StripeCollection<Event> page;
        boolean bootstrap = cursor == null;
        if (bootstrap) {
            Long createdGte = settings.eventsStart() == null
                    ? null
                    : settings.eventsStart().getEpochSecond();
            page = api.events(null, bootstrapAfter, createdGte);
            if (Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()) {
                // Not yet at the oldest page: keep going back, emit nothing.
                bootstrapAfter = page.getData().get(page.getData().size() - 1).getId();
                return out.build();
            }
            bootstrapAfter = null;
        } else {
            page = api.events(cursor, null, null);
        }
        List<Event> events = new ArrayList<>(page.getData());
        Collections.reverse(events);
        if (!events.isEmpty()) {
            LineMapper mapper = new LineMapper(contracts.refresh(), api::meterOfPrice);
            for (Event event : events) {
                out.add(splitId, batchOf(event, mapper));
                cursor = event.getId();
                metrics.lag(clock.millis() - event.getCreated() * 1000L);
            }
        }
        // The last bootstrap page's has_more is about older events: newer ones may follow it.
        boolean caughtUp = !Boolean.TRUE.equals(page.getHasMore()) && !(bootstrap && !events.isEmpty());
        if (caughtUp && settings.bounded()) {
            finished = true;
            out.addFinishedSplit(splitId);
        } else if (caughtUp) {
            if (cursor != null && !events.isEmpty()) {
                metrics.lag(clock.millis() - events.get(events.size() - 1).getCreated() * 1000L);
            }
            sleep();
        }
        return out.build();
    }

    private StripeBatch batchOf(Event event, LineMapper mapper) throws IOException {
        Invoice invoice;
        try {
            // Empty when the event was rendered at another API version than the pinned one; the invoice
            // fields read here (id, customer, status, currency) have kept their shape, and its lines are
            // fetched again at the pinned version below.
            java.util.Optional<StripeObject> pinned =
                    event.getDataObjectDeserializer().getObject();
            StripeObject object = pinned.isPresent()
                    ? pinned.get()
                    : event.getDataObjectDeserializer().deserializeUnsafe();
            invoice = (Invoice) object;
        } catch (EventDataObjectDeserializationException | ClassCastException e) {
            metrics.unmapped(1);
            eventClock.advance(event.getCreated());
            return StripeBatch.ofUnreadableEvent(
                    StripeRecord.unmapped(
                            EVENT_SOURCE,
                            event.toJson(),
                            "event " + event.getId() + " (" + event.getType() + ") holds no readable invoice: "
                                    + e.getMessage(),
                            event.getCreated() * 1000L),
                    event.getId(),
                    event.getCreated());
        }
        long updatedAt = eventClock.next(invoice.getId(), event.getCreated());
        boolean deleted = "invoice.deleted".equals(event.getType());
        List<InvoiceLineItem> lines =
                invoice.getLines() == null ? List.of() : invoice.getLines().getData();
        boolean incomplete = invoice.getLines() == null
                || Boolean.TRUE.equals(invoice.getLines().getHasMore());
        boolean otherVersion = !StripeApi.API_VERSION.equals(event.getApiVersion());
        boolean whole = !incomplete;
        if (!deleted && (incomplete || otherVersion)) {
            try {
                lines = api.invoiceLines(invoice.getId());
                whole = true;
            } catch (StripeCallException e) {
                if (!e.refused()) {
                    throw e;
                }
                // Deleted since the event (404): the lines the event carries are all there is.
            }
        }
        List<StripeRecord> records = new ArrayList<>(mapper.map(invoice, lines, updatedAt, deleted));
        DraftLines.Followed followed = drafts.follow(
                invoice.getId(),
                records,
                whole ? idsOf(lines) : null,
                deleted,
                "draft".equals(invoice.getStatus()),
                updatedAt);
        records.addAll(followed.voided());
        long unmapped = records.stream()
                .filter(r -> r.kind == StripeRecord.Kind.UNMAPPED)
                .count();
        metrics.mapped(records.size() - unmapped);
        metrics.unmapped(unmapped);
        return StripeBatch.ofEvent(records, event.getId(), event.getCreated(), invoice.getId(), followed.held());
    }

    private static Set<String> idsOf(List<InvoiceLineItem> lines) {
        Set<String> ids = new HashSet<>();
        for (InvoiceLineItem line : lines) {
            ids.add(line.getId());
        }
        return ids;
    }

    private void sleep() throws InterruptedIOException {
        try {
            pause.await(settings.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between two polls of Stripe's events");
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<StripeSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            return;
        }
        for (StripeSplit split : splitsChanges.splits()) {
            splitId = split.splitId();
            cursor = split.lastEventId();
            eventClock = split.eventClock();
            drafts = new DraftLines(split.draftLines());
            bootstrapAfter = null;
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
