package io.reckon.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Each key's usage over the range, from its account's profile: calls with a daily and weekly
 * rhythm, storage readings that grow, one event per active seat per working day.
 */
final class UsageSeries extends WorkloadDraft {

    UsageSeries(WorkloadDraft draft) {
        super(draft);
    }

    List<Rec> usage(Profile p, String meter, Kind kind) {
        List<Rec> events = new ArrayList<>();
        switch (kind) {
            case SUM -> {
                for (Instant h = rangeStart; h.isBefore(rangeEnd); h = h.plus(HOUR)) {
                    LocalDateTime local = LocalDateTime.ofInstant(h, p.zone());
                    double lambda = p.callRate() * diurnal(local.getHour()) * weekly(local.getDayOfWeek());
                    int n = poisson(lambda);
                    for (int k = 0; k < n; k++) {
                        Instant t = h.plusSeconds(rng.nextInt(3600));
                        long calls = Math.max(1, Math.round(p.callBatch() * StrictMath.exp(0.4 * rng.nextGaussian())));
                        events.add(newUsage(p, meter, t, BigDecimal.valueOf(calls)));
                    }
                }
            }
            case MAX -> {
                Instant first = rangeStart.plus(HOUR.multipliedBy(rng.nextInt(p.storageEvery())));
                for (Instant h = first; h.isBefore(rangeEnd); h = h.plus(HOUR.multipliedBy(p.storageEvery()))) {
                    Instant t = h.plusSeconds(rng.nextInt(3600));
                    double monthsElapsed = Duration.between(rangeStart, t).toHours() / 730.0;
                    double gb = p.storageBase()
                            * StrictMath.pow(1 + p.storageGrowth(), monthsElapsed)
                            * (1 + 0.01 * rng.nextGaussian());
                    BigDecimal q = BigDecimal.valueOf(gb)
                            .setScale(3, RoundingMode.HALF_UP)
                            .max(new BigDecimal("0.001"));
                    events.add(newUsage(p, meter, t, q));
                }
            }
            case COUNT -> {
                // One event per active seat per day, during the account's working hours.
                LocalDate last = LocalDate.ofInstant(rangeEnd, p.zone());
                for (LocalDate d = LocalDate.ofInstant(rangeStart, p.zone()); !d.isAfter(last); d = d.plusDays(1)) {
                    boolean weekend = d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
                    double active = weekend ? 0.2 : 0.9;
                    for (int s = 0; s < p.seats(); s++) {
                        if (rng.nextDouble() >= active) {
                            continue;
                        }
                        Instant t = d.atTime(8, 0)
                                .plusSeconds(rng.nextInt(11 * 3600))
                                .toInstant(p.zone());
                        if (!t.isBefore(rangeStart) && t.isBefore(rangeEnd)) {
                            events.add(newUsage(p, meter, t, BigDecimal.ONE));
                        }
                    }
                }
            }
        }
        events.sort(Comparator.comparing(Rec::time).thenComparing(Rec::id));
        return events;
    }
}
