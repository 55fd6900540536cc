package org.hygie.fhir.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.UnaryOperator;
import org.hygie.fhir.error.FhirErrors;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Binds the caller of every /fhir request: anonymous without an Authorization header, the token's caller
 * with a valid bearer token, and a 401 OperationOutcome (with {@code WWW-Authenticate}) for a token that
 * is not valid. Tokens are never logged.
 */
public final class AuthenticationFilter extends HttpFilter {
    private final TokenVerifier verifier;
    private final UnaryOperator<Caller> enrich;
    private final FhirContext fhirContext;
    private final RateLimitFilter failures;
    private final java.util.function.Predicate<String> localBase;

    /**
     * @param enrich    completes an accepted caller (a practitioner's roles)
     * @param failures  the allowance of refused tokens per address: beyond it, tokens are not even checked (429)
     * @param localBase whether a base URL (of a token's fhirUser) is this server's
     */
    public AuthenticationFilter(TokenVerifier verifier, UnaryOperator<Caller> enrich, FhirContext fhirContext, RateLimitFilter failures,
                                java.util.function.Predicate<String> localBase) {
        this.verifier = verifier;
        this.enrich = enrich;
        this.fhirContext = fhirContext;
        this.failures = failures;
        this.localBase = localBase;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        String header = request.getHeader("Authorization");
        Caller caller = Caller.ANONYMOUS;
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                refuse(response, "invalid_request", "The Authorization header must be 'Bearer <access token>'");
                return;
            }
            String token = header.substring(7).trim();
            String failuresKey = "failed:" + request.getRemoteAddr();
            if (verifier.alreadyVerified(token).isEmpty() && failures.exhausted(failuresKey, response)) {
                return; // an address that keeps sending refused tokens gets no more signature checks for a while
            }
            try {
                Caller verified = verifier.verify(token);
                String base = verified.fhirUserBase();
                if (base != null && !sameBase(base, serverBase(request)) && !localBase.test(base)) {
                    throw new TokenVerifier.InvalidTokenException("fhirUser names a user of another FHIR server (" + base + ")");
                }
                caller = enrich.apply(verified);
            } catch (TokenVerifier.InvalidTokenException e) {
                failures.spend(failuresKey);
                refuse(response, "invalid_token", e.getMessage());
                return;
            }
        }
        request.setAttribute(Caller.class.getName(), caller);
        String requestId = request.getHeader("X-Request-Id");
        CurrentCaller.bind(caller, new CurrentCaller.Request(request.getRemoteAddr(),
                requestId != null && requestId.length() <= 200 ? requestId : null));
        try {
            chain.doFilter(request, response);
        } finally {
            CurrentCaller.unbind();
        }
    }

    /** This server's FHIR base as the request reached it: scheme://host[:port]/[context]/fhir. */
    private static String serverBase(HttpServletRequest request) {
        return request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort() + request.getContextPath() + "/fhir";
    }

    /** The same base URL, default ports, case of scheme and host, and a final slash aside. */
    static boolean sameBase(String a, String b) {
        return normalized(a).equals(normalized(b));
    }

    private static String normalized(String base) {
        try {
            java.net.URI uri = java.net.URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(java.util.Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + String.valueOf(uri.getHost()).toLowerCase(java.util.Locale.ROOT) + ":" + port + uri.getRawPath();
        } catch (IllegalArgumentException notAUri) {
            return base;
        }
    }

    private void refuse(HttpServletResponse response, String error, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"hygie\", error=\"" + error + "\", error_description=\""
                + message.replace("\"", "'") + "\"");
        FhirErrors.send(response, fhirContext, 401, FhirErrors.outcome(OperationOutcome.IssueType.LOGIN, message, "Authorization"));
    }
}
