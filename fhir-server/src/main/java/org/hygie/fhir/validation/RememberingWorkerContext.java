package org.hygie.fhir.validation;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.r5.model.Resource;

/**
 * HAPI's worker context, remembering the definition each canonical URL resolved to. The validator asks
 * for the same few definitions at every element it checks (its type, its profile, the binding's value
 * set), and each ask goes through HAPI's support chain, a version parse of the URL and a lock on the
 * definition: a tenth of a validation's CPU (JFR of the booking load). The definitions do not change
 * while the validator lives (a validator is built once per JVM). Only found definitions are kept, so
 * the URLs clients claim in {@code meta.profile} cannot grow the map.
 */
final class RememberingWorkerContext extends WorkerContextValidationSupportAdapter {
    private final Map<Class<?>, Map<String, Resource>> found = new ConcurrentHashMap<>();

    RememberingWorkerContext(IValidationSupport support) {
        super(support);
    }

    @Override
    public <T extends Resource> T fetchResource(Class<T> type, String uri) {
        if (uri == null) {
            return super.fetchResource(type, uri);
        }
        Map<String, Resource> ofType = found.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        Resource known = ofType.get(uri);
        if (known == null) {
            // not computeIfAbsent: resolving a definition fetches others (snapshots), which would re-enter the map
            known = super.fetchResource(type, uri);
            if (known != null) {
                ofType.putIfAbsent(uri, known);
            }
        }
        return type.cast(known);
    }
}
