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
 * A token bucket per client (the token's client id, or the network address of anonymous callers): a
 * client may burst up to {@code burst} requests, then {@code perSecond}; beyond that, 429 with Retry-After.
 * Per instance: with several instances behind a balancer, each applies it to what it receives.
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
        String client = attribute instanceof Caller caller && !caller.anonymous() ? "client:" + caller.clientId() : "addr:" + request.getRemoteAddr();
        Bucket bucket = buckets.get(client, k -> new Bucket(burst, System.nanoTime()));
        double wait = bucket.take(perSecond, burst, System.nanoTime());
        if (wait > 0) {
            response.setHeader("Retry-After", Long.toString((long) Math.ceil(wait)));
            FhirErrors.send(response, fhirContext, 429, FhirErrors.outcome(OperationOutcome.IssueType.THROTTLED,
                    "Too many requests from this client; retry after " + (long) Math.ceil(wait) + " s", null));
            return;
        }
        chain.doFilter(request, response);
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
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / perSecond;
        }
    }
}
