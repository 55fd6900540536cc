package org.hygie.fhir.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hygie.fhir.security.Caller;
import org.hygie.fhir.security.CurrentCaller;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteAudit;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Writes one AuditEvent per patient whose data a request touched. Changes are audited inside their own
 * transaction ({@link WriteAudit}: no change without its record). Reads, searches and operations are
 * audited from what the response discloses, just before it is sent: if the record cannot be written, the
 * data is not sent either (the client gets an error).
 */
public final class AuditTrail implements WriteAudit {
    private static final Set<RestOperationTypeEnum> WRITES = Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE,
            RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);
    private static final Set<String> NOT_DATA = Set.of("OperationOutcome", "AuditEvent", "Bundle", "Parameters", "CapabilityStatement");

    private final ResourceService service;
    private final org.hygie.fhir.storage.index.SearchParameterRegistry registry;
    private final Clock clock;

    public AuditTrail(ResourceService service, org.hygie.fhir.storage.index.SearchParameterRegistry registry, Clock clock) {
        this.service = service;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void record(List<Written> written, WriteSet writes) {
        Map<String, List<Written>> byPatient = new LinkedHashMap<>();
        written.forEach(w -> byPatient.computeIfAbsent(w.patientId(), p -> new ArrayList<>()).add(w));
        CurrentCaller.Request request = CurrentCaller.request();
        byPatient.forEach((patientId, changes) -> {
            boolean allCreates = changes.stream().allMatch(w -> w.method().equals("POST"));
            boolean allDeletes = changes.stream().allMatch(w -> w.method().equals("DELETE"));
            String action = allCreates ? "C" : allDeletes ? "D" : "U";
            String subtype = allCreates ? "create" : allDeletes ? "delete" : "update";
            List<String> references = changes.stream().map(w -> w.key().type() + "/" + w.key().id() + "/_history/" + w.version()).toList();
            store(new AuditEvents.Access(CurrentCaller.requester(), request == null ? null : request.clientAddress(),
                    request == null ? null : request.requestId(), action, subtype, patientId, references, null, clock.instant()), writes);
        });
        if (request != null) {
            request.markWritesAudited();
        }
    }

    /** HAPI calls this once the response is built, before it is written. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean beforeResponse(RequestDetails request, ResponseDetails response) {
        Caller caller = CurrentCaller.requester();
        CurrentCaller.Request http = CurrentCaller.request();
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (caller == null || http == null || operation == null || WRITES.contains(operation) || http.writesAudited()
                || response.getResponseResource() == null) {
            return true;
        }
        String[] kind = kind(operation);
        String url = kind[0].equals("E") ? request.getCompleteUrl() : null;
        String query = url == null || url.indexOf('?') < 0 ? null : url.substring(url.indexOf('?') + 1);
        recordReads(caller, http, kind[0], kind[1], disclosed(response.getResponseResource()),
                AuditQueries.redact(query, request.getResourceName(), registry));
        return true;
    }

    /** Audits one resource sent outside HAPI (raw document bytes), if it is patient data. */
    public void disclosed(IBaseResource resource, String subtype) {
        Caller caller = CurrentCaller.requester();
        CurrentCaller.Request http = CurrentCaller.request();
        if (caller != null && http != null) {
            recordReads(caller, http, "R", subtype, List.of(resource), null);
        }
    }

    /** One AuditEvent per patient among {@code resources}, in a transaction of its own; nothing for directory data. */
    private void recordReads(Caller caller, CurrentCaller.Request http, String action, String subtype, List<IBaseResource> resources,
                             String query) {
        Map<String, List<String>> byPatient = new LinkedHashMap<>();
        for (IBaseResource resource : resources) {
            String patientId = service.patientOf(resource);
            if (patientId != null) {
                byPatient.computeIfAbsent(patientId, p -> new ArrayList<>()).add(resource.fhirType() + "/" + resource.getIdElement().getIdPart()
                        + (resource.getIdElement().hasVersionIdPart() ? "/_history/" + resource.getIdElement().getVersionIdPart() : ""));
            }
        }
        if (byPatient.isEmpty()) {
            return;
        }
        service.accessControl().asServer(() -> service.inTransaction(writes -> {
            byPatient.forEach((patientId, references) -> store(new AuditEvents.Access(caller, http.clientAddress(), http.requestId(),
                    action, subtype, patientId, references, query, clock.instant()), writes));
            return null;
        }));
    }

    /** BALP action and restful-interaction subtype of a reading request. */
    private static String[] kind(RestOperationTypeEnum operation) {
        return switch (operation) {
            case READ -> new String[] {"R", "read"};
            case VREAD -> new String[] {"R", "vread"};
            case HISTORY_INSTANCE -> new String[] {"R", "history-instance"};
            case HISTORY_TYPE -> new String[] {"E", "history-type"};
            case HISTORY_SYSTEM -> new String[] {"E", "history-system"};
            case SEARCH_SYSTEM -> new String[] {"E", "search-system"};
            case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE -> new String[] {"E", "operation"};
            default -> new String[] {"E", "search-type"};
        };
    }

    private static List<IBaseResource> disclosed(IBaseResource response) {
        List<IBaseResource> resources = new ArrayList<>();
        if (response instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource() && !NOT_DATA.contains(entry.getResource().fhirType())) {
                    resources.add(entry.getResource());
                }
            }
        } else if (!NOT_DATA.contains(response.fhirType())) {
            resources.add(response);
        }
        return resources;
    }

    private void store(AuditEvents.Access access, WriteSet writes) {
        service.createAs(new ResourceStore.Key("AuditEvent", UUID.randomUUID().toString()), AuditEvents.of(access), writes);
    }
}
