package io.reckon.connectors.stripe.source;

import java.time.Duration;

/** A wait between polls that {@link #wake} ends early (the split reader's {@code wakeUp}). */
final class Pause {

    private boolean woken;

    synchronized void await(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!woken) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        woken = false;
    }

    synchronized void wake() {
        woken = true;
        notifyAll();
    }
}
