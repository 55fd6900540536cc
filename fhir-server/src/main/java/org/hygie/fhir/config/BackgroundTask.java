package org.hygie.fhir.config;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** A server chore run every so often on its own daemon thread; a failed round (database briefly down) is logged and retried next time. */
public final class BackgroundTask {
    private BackgroundTask() {}

    /** @return the executor, to shut down with the application context */
    public static ScheduledExecutorService every(Duration interval, String name, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hygie-" + name);
            t.setDaemon(true);
            return t;
        });
        long every = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(BackgroundTask.class).warn("{} failed this round: {}", name, e.getClass().getSimpleName());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return executor;
    }
}
