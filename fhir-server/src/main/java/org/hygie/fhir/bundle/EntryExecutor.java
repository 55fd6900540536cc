package org.hygie.fhir.bundle;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notFound;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.function.Function;
import org.hygie.fhir.storage.ETags;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteSet;
import org.hygie.fhir.storage.patch.FhirPathPatcher;
import org.hygie.fhir.storage.patch.JsonPatcher;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/** Runs one Bundle entry against the service and describes the outcome as a response entry. */
public class EntryExecutor {
    private final FhirContext fhirContext;
    private final ResourceService service;
    private final SearchRequestParser searchParser;

    public EntryExecutor(FhirContext fhirContext, ResourceService service, SearchRequestParser searchParser) {
        this.fhirContext = fhirContext;
        this.service = service;
        this.searchParser = searchParser;
    }

    Bundle.BundleEntryComponent execute(EntryRequest r, ReferenceRewriter.Assigned assigned, String base,
                                        boolean returnResources, WriteSet writes) {
        Bundle.BundleEntryRequestComponent req = r.entry().getRequest();
        return switch (r.method()) {
            case POST -> {
                IBaseResource resource = body(r);
                ResourceService.Outcome outcome;
                if (assigned != null && assigned.existing()) {
                    outcome = service.create(resource, req.getIfNoneExist(), base, writes);
                } else if (assigned != null) {
                    outcome = service.createAs(new ResourceStore.Key(r.type(), assigned.id()), resource, writes);
                } else {
                    outcome = service.create(resource, req.hasIfNoneExist() ? req.getIfNoneExist() : null, base, writes);
                }
                yield written(outcome, returnResources);
            }
            case PUT -> {
                IBaseResource resource = body(r);
                String id = r.id() != null ? r.id() : assigned != null ? assigned.id() : null;
                if (resource.getIdElement().getIdPart() == null && id != null) {
                    resource.setId(id); // the entry URL names the resource; many clients leave the body id out
                }
                Integer ifMatch = ifMatch(req.getIfMatch(), r);
                ResourceService.Outcome outcome = r.id() != null || (assigned != null && assigned.existing())
                        ? service.update(new ResourceStore.Key(r.type(), id), resource, ifMatch, writes)
                        : service.conditionalUpdate(r.type(), r.criteria(), resource, base, writes);
                yield written(outcome, returnResources);
            }
            case PATCH -> {
                ResourceStore.Key key = r.id() != null ? new ResourceStore.Key(r.type(), r.id()) : service.singleMatch(r.type(), r.criteria(), base);
                yield written(service.patch(key, ifMatch(req.getIfMatch(), r), patchOf(r), writes), returnResources);
            }
            case DELETE -> {
                ResourceService.Outcome outcome = r.id() != null
                        ? service.delete(new ResourceStore.Key(r.type(), r.id()), false, writes)
                        : service.conditionalDelete(r.type(), r.criteria(), base, writes);
                Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent();
                entry.getResponse().setStatus("204 No Content");
                if (outcome.key() != null) {
                    entry.getResponse().setEtag("W/\"" + outcome.version() + "\"");
                }
                yield entry;
            }
            case GET, HEAD -> read(r, base);
            default -> throw badRequest("Method " + r.method().toCode() + " is not allowed in a Bundle entry", r.where() + ".request.method");
        };
    }

    private Bundle.BundleEntryComponent read(EntryRequest r, String base) {
        Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent();
        if (r.id() == null) {
            Map<String, String[]> params = r.criteria() == null ? Map.of() : QueryString.parse(r.criteria());
            if (params == null) {
                throw badRequest("Malformed search in " + r.where() + ".request.url", r.where() + ".request.url");
            }
            SearchQuery query = searchParser.parse(r.type(), params, false, base);
            ResourceService.Found found = service.search(query);
            Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET);
            if (found.total() != null) {
                searchset.setTotal(found.total());
            }
            found.resources().forEach(res -> searchset.addEntry()
                    .setFullUrl(base + "/" + res.fhirType() + "/" + res.getIdElement().getIdPart())
                    .setResource((Resource) res).getSearch().setMode(Bundle.SearchEntryMode.MATCH));
            entry.setResource(searchset);
        } else {
            ResourceStore.Key key = new ResourceStore.Key(r.type(), r.id());
            IBaseResource resource;
            if (r.version() == null) {
                resource = service.read(key);
            } else {
                try {
                    resource = service.vread(key, Integer.parseInt(r.version()));
                } catch (NumberFormatException e) {
                    throw notFound(key + " has no version " + r.version());
                }
            }
            entry.setResource((Resource) resource);
            entry.getResponse().setEtag("W/\"" + resource.getMeta().getVersionId() + "\"");
        }
        entry.getResponse().setStatus("200 OK");
        return entry;
    }

    private static Bundle.BundleEntryComponent written(ResourceService.Outcome outcome, boolean returnResource) {
        Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent();
        entry.getResponse()
                .setStatus(outcome.created() ? "201 Created" : "200 OK")
                .setLocation(outcome.key() + "/_history/" + outcome.version())
                .setEtag("W/\"" + outcome.version() + "\"")
                .setLastModified(Date.from(outcome.lastUpdated()));
        if (returnResource) {
            entry.setResource((Resource) outcome.resource());
        }
        return entry;
    }

    private static IBaseResource body(EntryRequest r) {
        if (!r.entry().hasResource()) {
            throw badRequest(r.method().toCode() + " entry has no resource", r.where() + ".resource");
        }
        Resource resource = r.entry().getResource();
        if (!resource.fhirType().equals(r.type())) {
            throw badRequest("Entry resource is a " + resource.fhirType() + " but its request.url is for " + r.type(),
                    r.where() + ".resource");
        }
        if (r.method() == Bundle.HTTPVerb.POST) {
            resource.setIdElement(null); // a created resource gets the id the transaction assigned, not its own
        }
        return resource;
    }

    private static Integer ifMatch(String header, EntryRequest r) {
        return ETags.version(header, r.where() + ".request.ifMatch");
    }

    /** The patch a PATCH entry carries: a Binary holding a JSON Patch, or a FHIRPath Patch Parameters. */
    private Function<IBaseResource, IBaseResource> patchOf(EntryRequest r) {
        Resource resource = r.entry().getResource();
        if (resource instanceof Parameters parameters) {
            return current -> new FhirPathPatcher(fhirContext).apply(current, parameters);
        }
        if (resource instanceof Binary binary && binary.getContentType() != null
                && binary.getContentType().startsWith(PatchTypeEnum.JSON_PATCH.getContentType()) && binary.getData() != null) {
            String document = new String(binary.getData(), StandardCharsets.UTF_8);
            return current -> new JsonPatcher(fhirContext).apply(current, document);
        }
        throw badRequest("A PATCH entry carries a Parameters (FHIRPath Patch) or a Binary holding a JSON Patch",
                r.where() + ".resource");
    }
}
