package org.hygie.fhir.bundle;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;

/** The request of one Bundle entry, its URL split into type, id, version and conditional criteria. */
record EntryRequest(int index, Bundle.BundleEntryComponent entry, Bundle.HTTPVerb method, String type, String id,
                    String version, String criteria) {
    private static final Pattern URL = Pattern.compile(
            "([A-Z][A-Za-z]+)(?:/([A-Za-z0-9\\-.]{1,64})(?:/_history/([^/?]+))?)?(?:\\?(.*))?");

    static EntryRequest of(int index, Bundle.BundleEntryComponent entry, String serverBase) {
        String where = "Bundle.entry[" + index + "].request";
        if (!entry.hasRequest() || entry.getRequest().getMethod() == null || !entry.getRequest().hasUrl()) {
            throw badRequest("Bundle.entry[" + index + "] needs request.method and request.url", where);
        }
        String url = entry.getRequest().getUrl();
        String base = serverBase.endsWith("/") ? serverBase : serverBase + "/";
        if (url.startsWith(base)) {
            url = url.substring(base.length());
        }
        if (url.startsWith("/")) {
            url = url.substring(1);
        }
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw badRequest("Bundle.entry[" + index + "].request.url '" + entry.getRequest().getUrl()
                    + "' is not a URL this server answers (Type, Type/id, Type/id/_history/v or Type?criteria)", where + ".url");
        }
        return new EntryRequest(index, entry, entry.getRequest().getMethod(), m.group(1), m.group(2), m.group(3), m.group(4));
    }

    String where() {
        return "Bundle.entry[" + index + "]";
    }

    /** The order a transaction processes entries in (FHIR R4 http.html#trules): DELETE, POST, PUT/PATCH, GET/HEAD. */
    int phase() {
        return switch (method) {
            case DELETE -> 0;
            case POST -> 1;
            case PUT, PATCH -> 2;
            default -> 3;
        };
    }
}
