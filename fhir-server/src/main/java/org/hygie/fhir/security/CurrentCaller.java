package org.hygie.fhir.security;

import java.util.function.Supplier;

/**
 * The caller of the request the current thread serves. Bound by {@link AuthenticationFilter} for every
 * request under /fhir (anonymous included); unbound means the server itself (background jobs, commands).
 */
public final class CurrentCaller {
    private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> AS_SERVER = new ThreadLocal<>();
    private static final ThreadLocal<Request> REQUEST = new ThreadLocal<>();

    /**
     * The HTTP request being served, for the audit trail: the client's network address, its X-Request-Id,
     * and whether its writes were audited already (in their transaction).
     */
    public static final class Request {
        private final String clientAddress;
        private final String requestId;
        private boolean writesAudited;

        Request(String clientAddress, String requestId) {
            this.clientAddress = clientAddress;
            this.requestId = requestId;
        }

        public String clientAddress() {
            return clientAddress;
        }

        public String requestId() {
            return requestId;
        }

        public boolean writesAudited() {
            return writesAudited;
        }

        public void markWritesAudited() {
            writesAudited = true;
        }
    }

    /** Null outside a request. */
    public static Request request() {
        return REQUEST.get();
    }

    /** The caller bound to this thread even while the server acts on its own (who the audit names). */
    public static Caller requester() {
        return CALLER.get();
    }

    private CurrentCaller() {}

    /** Null when the server acts on its own. */
    public static Caller get() {
        return Boolean.TRUE.equals(AS_SERVER.get()) ? null : CALLER.get();
    }

    static void bind(Caller caller, Request request) {
        CALLER.set(caller);
        REQUEST.set(request);
    }

    static void unbind() {
        CALLER.remove();
        AS_SERVER.remove();
        REQUEST.remove();
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
