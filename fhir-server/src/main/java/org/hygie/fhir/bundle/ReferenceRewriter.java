package org.hygie.fhir.bundle;

import static org.hygie.fhir.error.FhirErrors.preconditionFailed;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import ca.uhn.fhir.context.FhirContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.Attachment;

/**
 * Gives every entry of a transaction its final id before anything is written, then rewrites references
 * between entries ({@code urn:uuid:}/fullUrl) and conditional references ({@code Type?criteria}).
 */
final class ReferenceRewriter {
    private static final Pattern CONDITIONAL = Pattern.compile("([A-Z][A-Za-z]+)\\?(.+)");

    /** The id an entry's resource will have; {@code existing} when a conditional create/update matched one. */
    record Assigned(String type, String id, boolean existing) {
        String reference() {
            return type + "/" + id;
        }
    }

    private final FhirContext fhirContext;
    private final ResourceService service;
    private final String serverBase;

    ReferenceRewriter(FhirContext fhirContext, ResourceService service, String serverBase) {
        this.fhirContext = fhirContext;
        this.service = service;
        this.serverBase = serverBase;
    }

    Map<String, Assigned> assignIds(List<EntryRequest> requests) {
        Map<String, Assigned> assigned = new HashMap<>();
        for (EntryRequest r : requests) {
            String fullUrl = r.entry().getFullUrl();
            Assigned a = switch (r.method()) {
                case POST -> postTarget(r);
                case PUT -> putTarget(r);
                default -> null;
            };
            if (a != null && fullUrl != null && !fullUrl.isBlank()) {
                assigned.put(fullUrl, a);
            }
        }
        return assigned;
    }

    private Assigned postTarget(EntryRequest r) {
        String ifNoneExist = r.entry().getRequest().getIfNoneExist();
        if (ifNoneExist != null && !ifNoneExist.isBlank()) {
            List<ResourceStore.Key> matches = service.matches(r.type(), ifNoneExist, serverBase);
            if (matches.size() > 1) {
                throw preconditionFailed("ifNoneExist criteria match more than one " + r.type(), r.where() + ".request.ifNoneExist");
            }
            if (matches.size() == 1) {
                return new Assigned(r.type(), matches.get(0).id(), true);
            }
        }
        return new Assigned(r.type(), UUID.randomUUID().toString(), false);
    }

    private Assigned putTarget(EntryRequest r) {
        if (r.id() != null) {
            return new Assigned(r.type(), r.id(), false);
        }
        List<ResourceStore.Key> matches = service.matches(r.type(), r.criteria(), serverBase);
        if (matches.size() > 1) {
            throw preconditionFailed("Conditional update criteria match more than one " + r.type(), r.where() + ".request.url");
        }
        if (matches.size() == 1) {
            return new Assigned(r.type(), matches.get(0).id(), true);
        }
        String bodyId = r.entry().hasResource() ? r.entry().getResource().getIdElement().getIdPart() : null;
        return new Assigned(r.type(), bodyId != null && !bodyId.startsWith("urn") ? bodyId : UUID.randomUUID().toString(), false);
    }

    void rewrite(List<EntryRequest> requests, Map<String, Assigned> assigned) {
        for (EntryRequest r : requests) {
            if (!r.entry().hasResource()) {
                continue;
            }
            String where = r.where() + ".resource";
            for (IBaseReference ref : fhirContext.newTerser().getAllPopulatedChildElementsOfType(r.entry().getResource(), IBaseReference.class)) {
                String value = ref.getReferenceElement().getValue();
                if (value == null) {
                    continue;
                }
                Assigned target = assigned.get(value);
                if (target != null) {
                    ref.setReference(target.reference());
                    continue;
                }
                Matcher conditional = CONDITIONAL.matcher(value);
                if (conditional.matches()) {
                    ref.setReference(resolveConditional(conditional.group(1), value, where));
                }
            }
            for (Attachment attachment : fhirContext.newTerser().getAllPopulatedChildElementsOfType(r.entry().getResource(), Attachment.class)) {
                Assigned target = attachment.hasUrl() ? assigned.get(attachment.getUrl()) : null;
                if (target != null) {
                    attachment.setUrl(target.reference());
                }
            }
        }
    }

    private String resolveConditional(String type, String reference, String where) {
        List<ResourceStore.Key> matches = service.matches(type, reference, serverBase);
        if (matches.isEmpty()) {
            throw unprocessable("Conditional reference '" + reference + "' matches no resource", where);
        }
        if (matches.size() > 1) {
            throw preconditionFailed("Conditional reference '" + reference + "' matches more than one resource", where);
        }
        return matches.get(0).toString();
    }
}
