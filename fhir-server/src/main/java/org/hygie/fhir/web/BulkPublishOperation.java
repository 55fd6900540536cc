package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.hygie.fhir.feed.AvailabilityFeed;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code GET [base]/$bulk-publish}: the SMART Scheduling Links manifest; with {@code _type} one of its
 * NDJSON files. Cacheable (Cache-Control, ETag, 304 on If-None-Match) and open: it holds no patient data.
 */
public class BulkPublishOperation {
    private static final int MAX_AGE_SECONDS = 60;
    public static java.util.List<CapabilityStatementProvider.DeclaredOperation> declared() {
        return java.util.List.of(new CapabilityStatementProvider.DeclaredOperation(null, "bulk-publish",
                org.hygie.fhir.types.Canonicals.url("OperationDefinition/bulk-publish")));
    }

    private final AvailabilityFeed feed;

    public BulkPublishOperation(AvailabilityFeed feed) {
        this.feed = feed;
    }

    @Operation(name = "$bulk-publish", idempotent = true, manualResponse = true)
    public void bulkPublish(@OperationParam(name = "_type") StringType type, @OperationParam(name = "_since") StringType since,
                            RequestDetails request, HttpServletRequest servletRequest, HttpServletResponse response) throws IOException {
        Instant sinceInstant = since(since);
        String fileType = type == null ? null : type.getValue();
        if (fileType != null && !AvailabilityFeed.TYPES.contains(fileType)) {
            throw badRequest("_type must be one of " + AvailabilityFeed.TYPES + ", not '" + fileType + "'", "_type");
        }
        String etag = "W/\"" + feed.version() + (fileType == null ? "" : "-" + fileType) + (since == null ? "" : "-" + since.getValue()) + "\"";
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS);
        if (etag.equals(servletRequest.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        String base = request.getFhirServerBase();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setCharacterEncoding("UTF-8");
        if (fileType == null) {
            response.setContentType("application/json");
            try (Writer out = response.getWriter()) {
                out.write(manifest(base, since == null ? null : since.getValue()));
            }
            return;
        }
        response.setContentType("application/fhir+ndjson");
        try (Writer out = response.getWriter()) {
            feed.write(fileType, sinceInstant, base, out);
        }
    }

    private static String manifest(String base, String since) {
        String sinceParam = since == null ? "" : "_since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
        StringBuilder json = new StringBuilder("{\"transactionTime\":\"").append(Instant.now()).append("\",\"request\":\"")
                .append(base).append("/$bulk-publish").append(since == null ? "" : "?" + sinceParam)
                .append("\",\"output\":[");
        for (int i = 0; i < AvailabilityFeed.TYPES.size(); i++) {
            String type = AvailabilityFeed.TYPES.get(i);
            json.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"url\":\"").append(base)
                    .append("/$bulk-publish?_type=").append(type).append(since == null ? "" : "&" + sinceParam).append("\"}");
        }
        return json.append("],\"error\":[]}").toString();
    }

    private static Instant since(StringType since) {
        if (since == null || since.getValue() == null) {
            return null;
        }
        try {
            return new InstantType(since.getValue()).getValue().toInstant();
        } catch (RuntimeException e) {
            throw badRequest("_since must be an instant such as 2027-03-01T00:00:00Z, not '" + since.getValue() + "'", "_since");
        }
    }
}
