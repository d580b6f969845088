package io.reckon.jobs.reconcile.checks;

/**
 * Of two records of one invoice line (same line_id) or one reported summary (same report_id), whether
 * the one arriving now replaces the one kept. "Later" is the greater {@code updated_at} when both carry
 * one, whatever their arrival order; a record that carries {@code updated_at} is later than one that
 * does not; between two records without it, the later arrival wins (spec v1.1). Two records with the
 * same {@code updated_at} and different content are ordered by their content, so that the answer
 * never depends on arrival order where the records say when they were made.
 */
public final class LaterRecord {

    /** The {@code updated_at} of a record without one. */
    public static final long NONE = Long.MIN_VALUE;

    private LaterRecord() {}

    /**
     * @param contentOrder the sign of comparing the arriving record's content with the kept one's
     *     (any total order on content; 0 when they are equal)
     */
    public static boolean replaces(long arrivingUpdatedAt, long keptUpdatedAt, int contentOrder) {
        if (arrivingUpdatedAt == NONE && keptUpdatedAt == NONE) {
            return true;
        }
        if (arrivingUpdatedAt != keptUpdatedAt) {
            return arrivingUpdatedAt > keptUpdatedAt;
        }
        return contentOrder > 0;
    }
}
