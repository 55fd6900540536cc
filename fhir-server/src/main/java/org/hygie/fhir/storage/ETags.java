package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;

/** Version ETags ({@code W/"3"}, {@code "3"} or {@code 3}) as sent in If-Match or Bundle.entry.request.ifMatch. */
public final class ETags {
    private ETags() {}

    /** The version, or null without a value; a 400 naming {@code where} when it is not a version. */
    public static Integer version(String etag, String where) {
        if (etag == null || etag.isBlank()) {
            return null;
        }
        String value = etag.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        try {
            return Integer.parseInt(value.replace("\"", ""));
        } catch (NumberFormatException e) {
            throw badRequest(where + " must be a version ETag such as W/\"3\", got '" + etag + "'", where);
        }
    }
}
