package org.hygie.fhir.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.Locale;
import java.util.Set;
import org.hygie.fhir.error.FhirErrors;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A request body must be in a media type this server reads, or the answer is 415 (HAPI alone says 400).
 * Binary accepts any media type: its body is the content itself.
 */
@Interceptor
public class MediaTypeInterceptor {
    private static final Set<String> RESOURCE_TYPES = Set.of(
            "application/fhir+json", "application/json", "application/json+fhir",
            "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml");
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String FORM = "application/x-www-form-urlencoded";

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean checkContentType(RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        // Only a body has a media type: a GET or DELETE with a stray Content-Type header is fine.
        boolean hasBody = switch (request.getRequestType()) {
            case POST, PUT, PATCH -> true;
            default -> false;
        };
        if (operation == null || !hasBody || "Binary".equals(request.getResourceName())) {
            return true;
        }
        boolean acceptsBody = switch (operation) {
            case CREATE, UPDATE, PATCH, TRANSACTION, SEARCH_TYPE, SEARCH_SYSTEM, EXTENDED_OPERATION_TYPE,
                 EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_SERVER, VALIDATE -> true;
            default -> false;
        };
        String header = request.getHeader("Content-Type");
        if (!acceptsBody || header == null || header.isBlank()) {
            return true;
        }
        String mediaType = header.split(";")[0].trim().toLowerCase(Locale.ROOT);
        boolean ok = RESOURCE_TYPES.contains(mediaType)
                || (operation == RestOperationTypeEnum.PATCH && mediaType.equals(JSON_PATCH))
                || ((operation == RestOperationTypeEnum.SEARCH_TYPE || operation == RestOperationTypeEnum.SEARCH_SYSTEM) && mediaType.equals(FORM));
        if (!ok) {
            String message = "Content-Type " + mediaType + " is not supported here; send application/fhir+json or application/fhir+xml"
                    + (operation == RestOperationTypeEnum.PATCH ? " (or application/json-patch+json for a JSON Patch)" : "");
            throw new UnsupportedMediaTypeException(message);
        }
        return true;
    }

    static final class UnsupportedMediaTypeException extends BaseServerResponseException {
        UnsupportedMediaTypeException(String message) {
            super(415, message, FhirErrors.outcome(OperationOutcome.IssueType.NOTSUPPORTED, message, "Content-Type"));
        }
    }
}
