package io.reckon.jobs.sources;

/**
 * A metering record's identity as deduplication scopes it: its id within its (account, meter). Copies
 * of one record share it, so they corroborate no time ({@link CorroboratedTime}): a producer that
 * resends one record dated far ahead moves event time no more than by sending it once.
 */
public record RecordId(String accountId, String meter, String id) {}
