package org.hygie.fhir.security;

import java.util.function.Supplier;

/**
 * The caller of the request the current thread serves. Bound by {@link AuthenticationFilter} for every
 * request under /fhir (anonymous included); unbound means the server itself (background jobs, commands).
 */
public final class CurrentCaller {
    private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> AS_SERVER = new ThreadLocal<>();

    private CurrentCaller() {}

    /** Null when the server acts on its own. */
    public static Caller get() {
        return Boolean.TRUE.equals(AS_SERVER.get()) ? null : CALLER.get();
    }

    static void bind(Caller caller) {
        CALLER.set(caller);
    }

    static void unbind() {
        CALLER.remove();
        AS_SERVER.remove();
    }

    /** Runs {@code work} with the server's rights (what rules do on a caller's behalf), then restores the caller. */
    static <T> T asServer(Supplier<T> work) {
        Boolean before = AS_SERVER.get();
        AS_SERVER.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            if (before == null) {
                AS_SERVER.remove();
            } else {
                AS_SERVER.set(before);
            }
        }
    }
}
