package org.hygie.fhir.error;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Every client-facing error is made here: a HAPI exception (which fixes the HTTP status) carrying an
 * OperationOutcome that says what is wrong and where (the {@code expression} names the parameter, header
 * or element). Messages never contain payload values beyond what the client itself sent in the URL.
 */
public final class FhirErrors {
    private FhirErrors() {}

    public static InvalidRequestException badRequest(String message, String where) {
        return new InvalidRequestException(message, outcome(IssueType.INVALID, message, where));
    }

    /** 400 with issue code too-costly: the request is valid but asks more than the server's limits allow. */
    public static InvalidRequestException tooCostly(String message, String where) {
        return new InvalidRequestException(message, outcome(IssueType.TOOCOSTLY, message, where));
    }

    public static InvalidRequestException notSupported(String message, String where) {
        return new InvalidRequestException(message, outcome(IssueType.NOTSUPPORTED, message, where));
    }

    /** 403: the caller is known but their token does not allow this. */
    public static ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException forbidden(String message) {
        return new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException(message, outcome(IssueType.FORBIDDEN, message, null));
    }

    /** 406: the resource cannot be produced in the representation the client asked for. */
    public static ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException notAcceptable(String message) {
        ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException e =
                new ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException(406, message);
        e.setOperationOutcome(outcome(IssueType.NOTSUPPORTED, message, "Accept"));
        return e;
    }

    /** 401: no (valid) bearer token; the header tells the client to get one. */
    public static ca.uhn.fhir.rest.server.exceptions.AuthenticationException unauthorized(String message) {
        ca.uhn.fhir.rest.server.exceptions.AuthenticationException e = new ca.uhn.fhir.rest.server.exceptions.AuthenticationException(message);
        e.setOperationOutcome(outcome(IssueType.LOGIN, message, null));
        e.addResponseHeader("WWW-Authenticate", "Bearer realm=\"hygie\"");
        return e;
    }

    public static UnprocessableEntityException unprocessable(String message, String where) {
        return new UnprocessableEntityException(message, outcome(IssueType.PROCESSING, message, where));
    }

    public static ResourceNotFoundException notFound(String message) {
        return new ResourceNotFoundException(message, outcome(IssueType.NOTFOUND, message, null));
    }

    public static ResourceGoneException gone(String message) {
        ResourceGoneException e = new ResourceGoneException(message);
        e.setOperationOutcome(outcome(IssueType.DELETED, message, null));
        return e;
    }

    public static ResourceVersionConflictException conflict(String message, String where) {
        return new ResourceVersionConflictException(message, outcome(IssueType.CONFLICT, message, where));
    }

    public static PreconditionFailedException preconditionFailed(String message, String where) {
        return new PreconditionFailedException(message, outcome(IssueType.CONFLICT, message, where));
    }

    public static OperationOutcome outcome(IssueType type, String message, String where) {
        OperationOutcome oo = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = oo.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(type)
                .setDiagnostics(message);
        if (where != null) {
            issue.addExpression(where);
        }
        return oo;
    }

    /** Sends an OperationOutcome from a servlet filter, where HAPI's error handling does not reach. */
    public static void send(jakarta.servlet.http.HttpServletResponse response, ca.uhn.fhir.context.FhirContext context, int status,
                            OperationOutcome outcome) throws java.io.IOException {
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.getOutputStream().write(context.newJsonParser().encodeResourceToString(outcome).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Adds the issue's location to an exception built elsewhere (e.g. by HAPI's parser). */
    public static <E extends BaseServerResponseException> E at(E e, String where) {
        if (e.getOperationOutcome() instanceof OperationOutcome oo && !oo.getIssue().isEmpty()) {
            oo.getIssueFirstRep().addExpression(where);
        }
        return e;
    }
}
