package org.hygie.fhir.security;

import ca.uhn.fhir.context.FhirContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.hygie.fhir.error.FhirErrors;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A token bucket per caller (the token's client id and user, or the network address of anonymous callers): a
 * caller may burst up to {@code burst} requests, then {@code perSecond}; beyond that, 429 with Retry-After.
 * Per instance: with several instances behind a balancer, each applies it to what it receives. The same
 * class, with its own rates, limits failed authentications per address ({@link AuthenticationFilter}).
 */
public final class RateLimitFilter extends HttpFilter {
    private final double perSecond;
    private final int burst;
    private final FhirContext fhirContext;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    public RateLimitFilter(double perSecond, int burst, FhirContext fhirContext) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        Object attribute = request.getAttribute(Caller.class.getName());
        if (!allow(key(attribute instanceof Caller caller ? caller : Caller.ANONYMOUS, request.getRemoteAddr()), response)) {
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Who a bucket belongs to: each user of an app has their own (the app's client id and the token's subject),
     * so one user cannot use up a whole app's allowance; anonymous callers are counted by network address.
     */
    static String key(Caller caller, String address) {
        if (caller.anonymous()) {
            return "addr:" + address;
        }
        return "client:" + caller.clientId() + (caller.user() == null ? "" : "|user:" + caller.user());
    }

    /** Takes one request from {@code key}'s bucket, or answers 429 (with Retry-After) and returns false. */
    boolean allow(String key, HttpServletResponse response) throws IOException {
        double wait = bucket(key).take(perSecond, burst, System.nanoTime());
        if (wait > 0) {
            tooMany(response, wait);
            return false;
        }
        return true;
    }

    /** Answers 429 and returns true when {@code key}'s bucket is empty; takes nothing from it. */
    boolean exhausted(String key, HttpServletResponse response) throws IOException {
        double wait = bucket(key).waitTime(perSecond, burst, System.nanoTime());
        if (wait > 0) {
            tooMany(response, wait);
            return true;
        }
        return false;
    }

    /** Takes one from {@code key}'s bucket, if any is left (a failure counted against its sender). */
    void spend(String key) {
        bucket(key).take(perSecond, burst, System.nanoTime());
    }

    private Bucket bucket(String key) {
        return buckets.get(key, k -> new Bucket(burst, System.nanoTime()));
    }

    private void tooMany(HttpServletResponse response, double wait) throws IOException {
        response.setHeader("Retry-After", Long.toString((long) Math.ceil(wait)));
        FhirErrors.send(response, fhirContext, 429, FhirErrors.outcome(OperationOutcome.IssueType.THROTTLED,
                "Too many requests from this client; retry after " + (long) Math.ceil(wait) + " s", null));
    }

    /** Tokens refill continuously; {@link #take} returns 0 when one was available, else the seconds to wait. */
    static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized double take(double perSecond, int capacity, long now) {
            double wait = waitTime(perSecond, capacity, now);
            if (wait == 0) {
                tokens -= 1;
            }
            return wait;
        }

        /** Refills, then the seconds until one is available (0: one is). */
        synchronized double waitTime(double perSecond, int capacity, long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            return tokens >= 1 ? 0 : (1 - tokens) / perSecond;
        }
    }
}
