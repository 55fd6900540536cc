package org.hygie.fhir.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.sql.SQLException;
import java.util.UUID;
import org.hygie.fhir.error.FhirErrors;
import org.hygie.fhir.storage.ResourceCodec;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Unexpected failures reach the client as a 500 that names an incident id and nothing else (no exception
 * text, no stack trace); the log has the details under that id. A database that cannot be reached is a
 * 503: the client may retry; a deadlock or serialization failure between concurrent requests is a 409
 * (rolled back, retry). Client errors pass through untouched.
 */
@Interceptor
public class ServerErrorInterceptor {
    private static final Logger log = LoggerFactory.getLogger(ServerErrorInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException replace(RequestDetails request, Throwable exception,
                                               HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
        Throwable cause = exception;
        if (exception instanceof InternalErrorException && exception.getCause() != null) {
            cause = exception.getCause();
        }
        if (servletRequest != null && servletRequest.getAttribute(SlowBodyFilter.TOO_SLOW) != null) {
            servletResponse.setHeader("Connection", "close");
            String message = "The request body arrived too slowly; send it at once (hygie.request-body.min-bytes-per-second)";
            return new ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException(408, message,
                    FhirErrors.outcome(OperationOutcome.IssueType.TIMEOUT, message, null));
        }
        if (causedBy(cause, org.springframework.dao.QueryTimeoutException.class) || sqlState(cause, "57014")) {
            // the statement ran into hygie.database.statement-timeout and was cancelled: nothing was written
            String message = "This request took longer than the server allows for one statement (hygie.database.statement-timeout);"
                    + " narrow it";
            return new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(message,
                    FhirErrors.outcome(OperationOutcome.IssueType.TOOCOSTLY, message, null));
        }
        if (cause instanceof BaseServerResponseException clientFacing && clientFacing.getStatusCode() < 500) {
            return withoutJavaNames(clientFacing);
        }
        if (causedBy(cause, RequestSizeFilter.BodyTooLargeException.class)) {
            String message = "Request body exceeds the configured limit (hygie.max-request-bytes)";
            return new PayloadTooLargeException(message, FhirErrors.outcome(OperationOutcome.IssueType.TOOCOSTLY, message, null));
        }
        if (causedBy(cause, org.springframework.dao.PessimisticLockingFailureException.class)
                || causedBy(cause, org.springframework.dao.CannotAcquireLockException.class)) {
            // a deadlock or serialization failure: PostgreSQL rolled this request back, nothing was written
            String message = "This request collided with concurrent requests on the same resources and was rolled back; retry it";
            return new ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException(message,
                    FhirErrors.outcome(OperationOutcome.IssueType.CONFLICT, message, null));
        }
        String incident = UUID.randomUUID().toString();
        if (isDatabaseUnavailable(cause)) {
            log.warn("Incident {}: database unavailable during {} {}: {}", incident, request.getRequestType(),
                    request.getRequestPath(), cause.toString());
            String message = "The database is unavailable; retry later (incident " + incident + ")";
            return new ServiceUnavailableException(message, FhirErrors.outcome(OperationOutcome.IssueType.TRANSIENT, message, null));
        }
        if (cause instanceof ResourceCodec.StoredDataIntegrityException integrity) {
            // The message names the resource version and the failure, never data or keys.
            log.error("Incident {}: {}", incident, integrity.getMessage());
            String message = integrity.getMessage() + "; it is not served (incident " + incident + ")";
            return new InternalErrorException(message, FhirErrors.outcome(OperationOutcome.IssueType.EXCEPTION, message, null));
        }
        log.error("Incident {}: unexpected failure during {} {}", incident, request.getRequestType(), request.getRequestPath(), cause);
        String message = "Internal server error (incident " + incident + ")";
        return new InternalErrorException(message, FhirErrors.outcome(OperationOutcome.IssueType.EXCEPTION, message, null));
    }

    private static final java.util.regex.Pattern JAVA_EXCEPTION = java.util.regex.Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(?:Exception|Error):? ?");

    /** HAPI's parser quotes the Java exception behind a bad value ("java.lang.NumberFormatException: For input..."): the client gets the words only. */
    private static BaseServerResponseException withoutJavaNames(BaseServerResponseException e) {
        if (e.getOperationOutcome() == null && e.getMessage() != null && JAVA_EXCEPTION.matcher(e.getMessage()).find()) {
            String message = JAVA_EXCEPTION.matcher(e.getMessage()).replaceAll("");
            BaseServerResponseException clean = BaseServerResponseException.newInstance(e.getStatusCode(), message);
            clean.setOperationOutcome(FhirErrors.outcome(OperationOutcome.IssueType.PROCESSING, message, null));
            return clean;
        }
        if (e.getOperationOutcome() instanceof OperationOutcome outcome) {
            for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
                if (issue.hasDiagnostics()) {
                    issue.setDiagnostics(JAVA_EXCEPTION.matcher(issue.getDiagnostics()).replaceAll(""));
                }
            }
        }
        return e;
    }

    private static boolean sqlState(Throwable t, String state) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The database cannot be reached, or dropped the connection under a request: no connection, SQLState
     * class 08 (connection exception) or 57P0x (server shutting down or restarting), a pooled connection
     * found closed.
     */
    private static boolean isDatabaseUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CannotGetJdbcConnectionException || c instanceof CannotCreateTransactionException
                    || c instanceof DataAccessResourceFailureException
                    || c instanceof RecoverableDataAccessException || c instanceof TransientDataAccessResourceException) {
                return true;
            }
            if (c instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ((state != null && (state.startsWith("08") || state.startsWith("57P0")))
                        || (sql.getMessage() != null && sql.getMessage().contains("Connection is closed"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static final class ServiceUnavailableException extends BaseServerResponseException {
        ServiceUnavailableException(String message, OperationOutcome outcome) {
            super(503, message, outcome);
        }
    }
}
