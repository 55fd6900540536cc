package org.hygie.fhir.documents;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.audit.AuditTrail;
import org.hygie.fhir.error.FhirErrors;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.dao.DataAccessException;

/**
 * Raw document bytes in and out of {@code /fhir/Binary} without ever holding a whole file (IHE ITI-68
 * retrieve, and uploads of large files): {@code GET Binary/id[/_history/v]} with a non-FHIR Accept
 * streams the content, decrypting a chunk at a time, with single byte-range support; {@code POST Binary} or
 * {@code PUT Binary/id} with a non-FHIR Content-Type streams the body into the content store, the
 * Binary's {@code securityContext} taken from the {@code X-Security-Context} header. FHIR-format
 * requests go on to HAPI. Authorization, audit and versioning are the store's, as for any request.
 */
public final class BinaryStreaming extends HttpFilter {
    private static final Pattern PATH = Pattern.compile("/fhir/Binary(?:/([A-Za-z0-9\\-.]{1,64})(?:/_history/([0-9]+))?)?/?");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final ResourceService service;
    private final ContentStore content;
    private final AuditTrail audit;
    private final FhirContext fhirContext;
    private final long maxBytes;

    public BinaryStreaming(ResourceService service, ContentStore content, AuditTrail audit, FhirContext fhirContext, long maxBytes) {
        this.service = service;
        this.content = content;
        this.audit = audit;
        this.fhirContext = fhirContext;
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        Matcher path = PATH.matcher(request.getRequestURI().substring(request.getContextPath().length()));
        String method = request.getMethod();
        if (!path.matches() || request.getParameter("_format") != null) {
            chain.doFilter(request, response);
            return;
        }
        String id = path.group(1);
        try {
            if ((method.equals("GET") || method.equals("HEAD")) && id != null && wantsRaw(request.getHeader("Accept"))) {
                retrieve(request, response, new ResourceStore.Key("Binary", id), path.group(2), method.equals("HEAD"));
            } else if (((method.equals("POST") && id == null) || (method.equals("PUT") && id != null && path.group(2) == null))
                    && request.getContentType() != null && EncodingEnum.forContentType(request.getContentType()) == null) {
                store(request, response, id);
            } else {
                chain.doFilter(request, response);
            }
        } catch (BaseServerResponseException e) {
            fail(response, e.getStatusCode(), e.getOperationOutcome() instanceof OperationOutcome oo ? oo
                    : FhirErrors.outcome(OperationOutcome.IssueType.PROCESSING, e.getMessage(), null));
        } catch (DataAccessException e) {
            fail(response, 503, FhirErrors.outcome(OperationOutcome.IssueType.TRANSIENT, "The database is unavailable; retry", null));
        }
    }

    /** No Accept, a wildcard or a media type that is not FHIR: the raw bytes are wanted. */
    private static boolean wantsRaw(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            if (EncodingEnum.forContentType(part.split(";")[0].trim()) != null) {
                return false;
            }
        }
        return true;
    }

    private void retrieve(HttpServletRequest request, HttpServletResponse response, ResourceStore.Key key, String version, boolean head)
            throws IOException {
        Binary binary = (Binary) (version == null ? service.read(key) : service.vread(key, Integer.parseInt(version)));
        String accept = request.getHeader("Accept");
        if (accept != null && !accepts(accept, binary.getContentType())) {
            throw org.hygie.fhir.error.FhirErrors.notAcceptable("This document is " + binary.getContentType()
                    + "; it cannot be produced as " + accept);
        }
        BinaryContent.Ref ref = BinaryContent.ref(binary);
        long size = ref == null ? (binary.hasData() ? binary.getData().length : 0) : ref.size();
        long from = 0;
        long to = size;
        String range = request.getHeader("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            boolean valid = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
            if (valid) {
                if (m.group(1).isEmpty()) {
                    from = Math.max(0, size - Long.parseLong(m.group(2)));
                } else {
                    from = Long.parseLong(m.group(1));
                    to = m.group(2).isEmpty() ? size : Math.min(size, Long.parseLong(m.group(2)) + 1);
                }
            }
            if (!valid || from >= size || from >= to) {
                response.setHeader("Content-Range", "bytes */" + size);
                fail(response, 416, FhirErrors.outcome(OperationOutcome.IssueType.INVALID, "Range " + range + " is not satisfiable for "
                        + size + " bytes", "Range"));
                return;
            }
            response.setStatus(206);
            response.setHeader("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + size);
        }
        audit.disclosed(binary, "read");
        response.setContentType(binary.hasContentType() ? binary.getContentType() : "application/octet-stream");
        // a document, whatever type its uploader declared: saved, never rendered as a page of this origin
        response.setHeader("Content-Disposition", "attachment");
        response.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("ETag", "W/\"" + binary.getMeta().getVersionId() + "\"");
        if (binary.getMeta().hasLastUpdated()) {
            response.setDateHeader("Last-Modified", binary.getMeta().getLastUpdated().getTime());
        }
        response.setContentLengthLong(to - from);
        if (head) {
            return;
        }
        if (ref == null) {
            if (binary.hasData()) {
                response.getOutputStream().write(binary.getData(), (int) from, (int) (to - from));
            }
            return;
        }
        content.read(ref.contentId(), from, to, response.getOutputStream());
    }

    private static boolean accepts(String accept, String contentType) {
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
            String stored = contentType == null ? "application/octet-stream" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (type.equals("*/*") || type.equals(stored) || (type.endsWith("/*") && stored.startsWith(type.substring(0, type.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private void store(HttpServletRequest request, HttpServletResponse response, String id) throws IOException {
        if (request.getContentLengthLong() > maxBytes) {
            throw ContentStore.tooLarge(maxBytes);
        }
        Binary binary = new Binary();
        binary.setContentType(request.getContentType());
        String securityContext = request.getHeader("X-Security-Context");
        java.util.List<ResourceStore.Key> references = new java.util.ArrayList<>();
        if (securityContext != null && !securityContext.isBlank()) {
            binary.setSecurityContext(new Reference(securityContext.trim()));
            Matcher local = org.hygie.fhir.storage.index.LocalReference.PATTERN.matcher(securityContext.trim());
            if (local.matches()) {
                references.add(new ResourceStore.Key(local.group(1), local.group(2)));
            }
        }
        // authenticated and authorised before a byte of the body is read, encrypted or written
        service.checkWritable("Binary", id, references);
        if (id != null) {
            binary.setId(id);
        }
        String base = request.getRequestURL().toString().replaceAll("/Binary(/.*)?$", "");
        ResourceService.Outcome outcome = service.inTransaction(writes -> {
            try {
                ContentStore.Stored stored = content.write(request.getInputStream(), service.patientOf(binary), maxBytes);
                BinaryContent.streamed(binary, new BinaryContent.Ref(stored.contentId(), stored.size(), stored.sha1()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return id == null ? service.create(binary, null, base, writes)
                    : service.update(new ResourceStore.Key("Binary", id), binary, ifMatch(request), writes);
        });
        response.setHeader("Location", base + "/Binary/" + outcome.key().id() + "/_history/" + outcome.version());
        response.setHeader("ETag", "W/\"" + outcome.version() + "\"");
        OperationOutcome ok = FhirErrors.outcome(OperationOutcome.IssueType.INFORMATIONAL, "Stored Binary/" + outcome.key().id(), null);
        ok.getIssueFirstRep().setSeverity(OperationOutcome.IssueSeverity.INFORMATION);
        FhirErrors.send(response, fhirContext, outcome.created() ? 201 : 200, ok);
    }

    private static Integer ifMatch(HttpServletRequest request) {
        String header = request.getHeader("If-Match");
        if (header == null) {
            return null;
        }
        Matcher m = Pattern.compile("(?:W/)?\"(\\d+)\"").matcher(header.trim());
        if (!m.matches()) {
            throw FhirErrors.badRequest("If-Match must be an ETag such as W/\"3\"", "If-Match");
        }
        return Integer.parseInt(m.group(1));
    }

    private void fail(HttpServletResponse response, int status, OperationOutcome outcome) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        FhirErrors.send(response, fhirContext, status, outcome);
    }
}
