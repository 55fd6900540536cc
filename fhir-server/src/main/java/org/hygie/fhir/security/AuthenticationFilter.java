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

    /** @param enrich completes an accepted caller (a practitioner's roles) */
    public AuthenticationFilter(TokenVerifier verifier, UnaryOperator<Caller> enrich, FhirContext fhirContext) {
        this.verifier = verifier;
        this.enrich = enrich;
        this.fhirContext = fhirContext;
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
            try {
                caller = enrich.apply(verifier.verify(header.substring(7).trim()));
            } catch (TokenVerifier.InvalidTokenException e) {
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

    private void refuse(HttpServletResponse response, String error, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"hygie\", error=\"" + error + "\", error_description=\""
                + message.replace("\"", "'") + "\"");
        FhirErrors.send(response, fhirContext, 401, FhirErrors.outcome(OperationOutcome.IssueType.LOGIN, message, "Authorization"));
    }
}
