package org.hygie.fhir.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request body must keep arriving: after a grace period, at least {@code minBytesPerSecond} on average,
 * or the request ends with 408. Without it a client sending a byte every few seconds holds a server thread
 * for as long as it likes (Tomcat's timeout applies to each read, not to the whole body).
 */
public final class SlowBodyFilter extends OncePerRequestFilter {
    /** Set on a request whose body was cut for its rate: whoever reads the body (HAPI) then answers 408. */
    static final String TOO_SLOW = SlowBodyFilter.class.getName() + ".tooSlow";
    private final long graceNanos;
    private final long minBytesPerSecond;

    public SlowBodyFilter(Duration grace, long minBytesPerSecond) {
        this.graceNanos = grace.toNanos();
        this.minBytesPerSecond = Math.max(1, minBytesPerSecond);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(new Wrapped(request, this), response);
        } catch (TooSlowException e) {
            if (!response.isCommitted()) {
                response.reset();
                response.setStatus(408);
                response.setHeader("Connection", "close");
                response.setContentType("application/fhir+json;charset=UTF-8");
                response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"timeout\",\"diagnostics\":\"The request body arrived slower than " + minBytesPerSecond
                        + " bytes/s\"}]}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** How late a body of {@code read} bytes may be, {@code elapsed} nanoseconds after the request began. */
    boolean tooSlow(long read, long elapsedNanos) {
        return elapsedNanos > graceNanos + read * 1_000_000_000L / minBytesPerSecond;
    }

    static final class TooSlowException extends IOException {
        TooSlowException() {
            super("request body too slow");
        }
    }

    private static final class Wrapped extends HttpServletRequestWrapper {
        private final SlowBodyFilter limits;
        private ServletInputStream stream;

        Wrapped(HttpServletRequest request, SlowBodyFilter limits) {
            super(request);
            this.limits = limits;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Timed(super.getInputStream(), limits, this);
            }
            return stream;
        }
    }

    private static final class Timed extends ServletInputStream {
        private final ServletInputStream in;
        private final SlowBodyFilter limits;
        private final HttpServletRequest request;
        private final long started = System.nanoTime();
        private long read;

        Timed(ServletInputStream in, SlowBodyFilter limits, HttpServletRequest request) {
            this.in = in;
            this.limits = limits;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                check(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                check(n);
            }
            return n;
        }

        private void check(int n) throws IOException {
            read += n;
            if (limits.tooSlow(read, System.nanoTime() - started)) {
                request.setAttribute(TOO_SLOW, Boolean.TRUE);
                throw new TooSlowException();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
