package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notFound;
import static org.hygie.fhir.error.FhirErrors.notSupported;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Patch;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.List;
import java.util.function.Function;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.patch.FhirPathPatcher;
import org.hygie.fhir.storage.patch.JsonPatcher;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;

/** One instance per resource type: adapts HAPI's REST bindings to {@link ResourceService}, and nothing more. */
public class ResourceTypeProvider implements IResourceProvider {
    private final Class<? extends IBaseResource> resourceClass;
    private final String type;
    private final FhirContext fhirContext;
    private final ResourceService service;
    private final SearchRequestParser searchParser;
    private final HistoryRequests history;
    private final org.hygie.fhir.validation.Validation validation;

    public ResourceTypeProvider(FhirContext fhirContext, String type, ResourceService service,
                                SearchRequestParser searchParser, HistoryRequests history,
                                org.hygie.fhir.validation.Validation validation) {
        this.validation = validation;
        this.fhirContext = fhirContext;
        this.type = type;
        this.resourceClass = fhirContext.getResourceDefinition(type).getImplementingClass();
        this.service = service;
        this.searchParser = searchParser;
        this.history = history;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return resourceClass;
    }

    @Read(version = true)
    public IBaseResource read(@IdParam IIdType id) {
        ResourceStore.Key key = RequestParams.key(type, id);
        if (!id.hasVersionIdPart()) {
            return service.read(key);
        }
        int version;
        try {
            version = Integer.parseInt(id.getVersionIdPart());
        } catch (NumberFormatException e) {
            throw notFound(key + " has no version " + id.getVersionIdPart());
        }
        return service.vread(key, version);
    }

    @Create
    public MethodOutcome create(@ResourceParam IBaseResource resource, @ConditionalUrlParam String ifNoneExist,
                                RequestDetails request) {
        String base = request.getFhirServerBase();
        return outcome(service.inTransaction(w -> service.create(resource, ifNoneExist, base, w)));
    }

    @Update
    public MethodOutcome update(@IdParam IIdType id, @ResourceParam IBaseResource resource,
                                @ConditionalUrlParam String conditional, RequestDetails request) {
        String base = request.getFhirServerBase();
        if (conditional != null) {
            return outcome(service.inTransaction(w -> service.conditionalUpdate(type, conditional, resource, base, w)));
        }
        Integer ifMatch = RequestParams.version(id);
        return outcome(service.inTransaction(w -> service.update(RequestParams.key(type, id), resource, ifMatch, w)));
    }

    @Delete
    public MethodOutcome delete(@IdParam IIdType id, @ConditionalUrlParam String conditional, RequestDetails request) {
        String base = request.getFhirServerBase();
        boolean cascade = "delete".equals(RequestParams.first(request, "_cascade"))
                || "delete".equalsIgnoreCase(request.getHeader("X-Cascade"));
        ResourceService.Outcome outcome = service.inTransaction(w -> conditional != null
                ? service.conditionalDelete(type, conditional, base, w)
                : service.delete(RequestParams.key(type, id), cascade, w));
        MethodOutcome result = new MethodOutcome();
        String message = outcome.key() != null ? outcome.key() + " is deleted (version " + outcome.version() + ")"
                : conditional != null ? "No " + type + " matched the criteria; nothing was deleted"
                : "There is no " + type + "/" + id.getIdPart() + " to delete; nothing was deleted";
        result.setOperationOutcome(information(message));
        if (outcome.key() != null) {
            result.setId(new IdType(type, outcome.key().id(), Integer.toString(outcome.version())));
        }
        return result;
    }

    @Patch
    public MethodOutcome patch(@IdParam IIdType id, PatchTypeEnum patchType, @ResourceParam String body,
                               @ConditionalUrlParam String conditional, RequestDetails request) {
        Function<IBaseResource, IBaseResource> patch = patchFunction(patchType, body);
        Integer ifMatch = RequestParams.ifMatch(request.getHeader("If-Match"));
        String base = request.getFhirServerBase();
        return outcome(service.inTransaction(w -> {
            ResourceStore.Key key = conditional != null ? service.singleMatch(type, conditional, base) : RequestParams.key(type, id);
            return service.patch(key, ifMatch, patch, w);
        }));
    }

    Function<IBaseResource, IBaseResource> patchFunction(PatchTypeEnum patchType, String body) {
        return switch (patchType) {
            case JSON_PATCH -> current -> new JsonPatcher(fhirContext).apply(current, body);
            case FHIR_PATCH_JSON, FHIR_PATCH_XML -> {
                Parameters parameters;
                try {
                    parameters = (patchType == PatchTypeEnum.FHIR_PATCH_JSON ? fhirContext.newJsonParser() : fhirContext.newXmlParser())
                            .parseResource(Parameters.class, body);
                } catch (DataFormatException e) {
                    throw badRequest("A FHIRPath Patch body must be a Parameters resource: " + e.getMessage(), "body");
                }
                yield current -> new FhirPathPatcher(fhirContext).apply(current, parameters);
            }
            default -> throw notSupported("Patch format " + patchType.getContentType()
                    + " is not supported; use application/json-patch+json or a FHIRPath Patch Parameters resource", "Content-Type");
        };
    }

    @Search(allowUnknownParams = true)
    public Bundle search(RequestDetails request) {
        SearchQuery query = searchParser.parse(type, request.getParameters(), RequestParams.lenient(request), request.getFhirServerBase());
        if ("count".equals(RequestParams.first(request, "_summary"))) {
            query = new SearchQuery(query.resourceType(), query.criteria(), query.sort(), 0, 0, SearchQuery.Total.ACCURATE, List.of(), null);
        }
        ResourceService.Found found = service.search(query);
        return ResultBundles.searchset(request, type, found, query);
    }

    @History
    public Bundle instanceHistory(@IdParam IIdType id, RequestDetails request) {
        return history.bundle(request, type, id.getIdPart());
    }

    @History
    public Bundle typeHistory(RequestDetails request) {
        return history.bundle(request, type, null);
    }

    private static MethodOutcome outcome(ResourceService.Outcome outcome) {
        MethodOutcome result = new MethodOutcome();
        IdType id = new IdType(outcome.key().type(), outcome.key().id(), Integer.toString(outcome.version()));
        result.setId(id);
        result.setResource(outcome.resource());
        result.setCreated(outcome.created());
        result.setOperationOutcome(information((outcome.created() ? "Created " : "Stored ") + id.getValue()));
        return result;
    }

    /** What {@code Prefer: return=OperationOutcome} returns. */
    private static OperationOutcome information(String message) {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(message);
        return oo;
    }
}
