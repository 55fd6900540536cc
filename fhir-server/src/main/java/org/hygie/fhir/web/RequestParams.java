package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Instant;
import org.hygie.fhir.storage.ETags;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.index.FhirDateRange;
import org.hl7.fhir.instance.model.api.IIdType;

/** Small readers of request details shared by the providers. */
final class RequestParams {
    private RequestParams() {}

    static String first(RequestDetails request, String name) {
        String[] values = request.getParameters().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    static int intParam(RequestDetails request, String name, int defaultValue, int max) {
        String value = first(request, name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0) {
                throw badRequest(name + " must not be negative", name);
            }
            return Math.min(parsed, max);
        } catch (NumberFormatException e) {
            throw badRequest(name + " must be a whole number, got '" + value + "'", name);
        }
    }

    /** An instant parameter ({@code _since}): its lower bound at the given precision. */
    static Instant instant(RequestDetails request, String name) {
        FhirDateRange range = range(request, name);
        return range == null ? null : Instant.ofEpochMilli(range.lowMs());
    }

    static FhirDateRange range(RequestDetails request, String name) {
        String value = first(request, name);
        if (value == null) {
            return null;
        }
        return FhirDateRange.parse(value).orElseThrow(() ->
                badRequest(name + " must be a FHIR instant or date, got '" + value + "'", name));
    }

    static boolean lenient(RequestDetails request) {
        String prefer = request.getHeader("Prefer");
        return prefer != null && prefer.replace(" ", "").contains("handling=lenient");
    }

    /** The version in If-Match ({@code W/"3"} or {@code "3"}), or null without the header. */
    static Integer ifMatch(String header) {
        return ETags.version(header, "If-Match");
    }

    /** The version HAPI took from If-Match into the id of an update, or null. */
    static Integer version(IIdType id) {
        return id != null && id.hasVersionIdPart() ? ifMatch(id.getVersionIdPart()) : null;
    }

    /** The resource a request names; 400 when it names none (e.g. a DELETE of [base]/Patient with no criteria). */
    static ResourceStore.Key key(String type, IIdType id) {
        if (id == null || id.getIdPart() == null || id.getIdPart().isBlank()) {
            throw badRequest("This request needs a resource id ([base]/" + type + "/[id]) or, where allowed, search criteria", "id");
        }
        return new ResourceStore.Key(type, id.getIdPart());
    }
}
