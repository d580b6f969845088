package io.reckon.jobs.records;

/** A record that is well-formed enough to read but breaks a rule of the input contract. */
public class InvalidRecordException extends Exception {
    public InvalidRecordException(String reason) {
        super(reason);
    }

    public InvalidRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
