package io.reckon.replay;

import java.nio.file.Path;

/**
 * How replay loads its files into the topics.
 *
 * @param order event-time order (the default) or file order
 * @param sortMemoryBytes estimated heap the ordering of one input may take; a larger input is
 *     sorted in runs of this size written to temporary files, then merged
 * @param tempDirectory where the runs are written; null: java.io.tmpdir. The runs of one input take
 *     about as much disk as its valid records in Avro (less than the JSON file)
 */
public record LoadOptions(InputOrder order, long sortMemoryBytes, Path tempDirectory) {

    /** 64 MiB: a few runs for a file of a gigabyte, and room to spare in a heap of 256 MiB. */
    public static final long DEFAULT_SORT_MEMORY = 64L << 20;

    public LoadOptions {
        if (order == null) {
            throw new IllegalArgumentException("order is required");
        }
        if (sortMemoryBytes < 1 << 20) {
            throw new IllegalArgumentException("the sort memory must be at least 1 MiB, was " + sortMemoryBytes);
        }
    }

    /** Event-time order, 64 MiB of sort memory, runs under java.io.tmpdir. */
    public static LoadOptions defaults() {
        return new LoadOptions(InputOrder.EVENT_TIME, DEFAULT_SORT_MEMORY, null);
    }

    public LoadOptions withOrder(InputOrder newOrder) {
        return new LoadOptions(newOrder, sortMemoryBytes, tempDirectory);
    }

    public LoadOptions withSortMemory(long bytes) {
        return new LoadOptions(order, bytes, tempDirectory);
    }

    public LoadOptions withTempDirectory(Path directory) {
        return new LoadOptions(order, sortMemoryBytes, directory);
    }
}
