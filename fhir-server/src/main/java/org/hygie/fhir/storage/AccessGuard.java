package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.notFound;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hygie.fhir.storage.search.SearchValue;
import org.hygie.fhir.types.ResourceTypes;

/**
 * Applies the {@link AccessControl} to what the store runs: a restricted caller's searches get the
 * restriction's criteria (so counts, pages, includes and chains never see beyond it), and a single
 * resource is reachable only if the same restricted search finds it.
 */
final class AccessGuard {
    /** Not a client-facing parameter: the store's compartment column, for restrictions only. */
    static final String COMPARTMENT = "_compartment";

    private final SearchRequestParser parser;
    private final SearchParameterRegistry registry;
    private final IndexProtector protector;
    private volatile AccessControl control = AccessControl.ALL;

    AccessGuard(SearchRequestParser parser, SearchParameterRegistry registry, IndexProtector protector) {
        this.parser = parser;
        this.registry = registry;
        this.protector = protector;
    }

    void use(AccessControl newControl) {
        this.control = newControl;
    }

    AccessControl control() {
        return control;
    }

    /** The restriction (throws when the interaction is refused outright). */
    AccessControl.Restriction restriction(String type, AccessControl.Interaction interaction) {
        return control.restriction(type, interaction);
    }

    /** {@code query} limited to what the caller may search; 401/403 if they may not search the type at all. */
    SearchQuery restrict(SearchQuery query, AccessControl.Interaction interaction) {
        return restrict(query, control.restriction(query.resourceType(), interaction));
    }

    /**
     * For searches the server runs on the caller's behalf (includes, chains, conditional matches): a type
     * the caller may not reach at all matches nothing instead of failing the request.
     */
    SearchQuery restrictQuietly(SearchQuery query) {
        AccessControl.Restriction restriction;
        try {
            restriction = control.restriction(query.resourceType(), AccessControl.Interaction.READ);
        } catch (ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException refused) {
            return query.withCriteria(append(query.criteria(), nothing(query.resourceType())));
        }
        return restrict(query, restriction);
    }

    SearchQuery restrict(SearchQuery query, AccessControl.Restriction restriction) {
        if (restriction.unrestricted()) {
            return query;
        }
        String type = query.resourceType();
        List<SearchQuery.Criterion> criteria = new ArrayList<>(query.criteria());
        if (!restriction.criteria().isEmpty()) {
            criteria.addAll(parser.parse(type, restriction.criteria(), false, null).criteria());
        }
        if (restriction.compartments() != null || restriction.grantedTo() != null) {
            if (Compartments.mayHoldPatientData(registry, type)) {
                List<SearchValue> values = new ArrayList<>();
                if (restriction.compartments() != null) {
                    restriction.compartments().forEach(id -> values.add(new SearchValue.Compartment(protector.compartmentKey(id))));
                }
                if (restriction.grantedTo() != null) {
                    values.add(new SearchValue.Granted(restriction.grantedTo()));
                }
                if (restriction.outsideCompartments()) {
                    values.add(new SearchValue.Compartment(null));
                }
                criteria.add(values.isEmpty() ? nothing(type) : new SearchQuery.Criterion(compartmentParam(type), null, values));
            } else if (!restriction.outsideCompartments()) {
                criteria.add(nothing(type));
            }
        }
        return query.withCriteria(List.copyOf(criteria));
    }

    /** 404 unless the restricted caller can reach {@code key} (a resource outside their rights does not exist for them). */
    void checkReachable(ResourceStore.Key key, AccessControl.Restriction restriction, Function<SearchQuery, List<ResourceStore.Key>> keys) {
        if (!reachable(key, restriction, keys)) {
            throw notFound(key + " is not known");
        }
    }

    boolean reachable(ResourceStore.Key key, AccessControl.Restriction restriction, Function<SearchQuery, List<ResourceStore.Key>> keys) {
        if (restriction.unrestricted()) {
            return true;
        }
        if (key.type().equals(ResourceTypes.PATIENT) && restriction.criteria().isEmpty() && restriction.compartments() != null
                && restriction.compartments().contains(key.id())) {
            return true; // a Patient is in its own compartment (whether it exists is the caller's concern)
        }
        SearchParam id = registry.find(key.type(), "_id").orElseThrow();
        SearchQuery byId = new SearchQuery(key.type(), List.of(new SearchQuery.Criterion(id, null,
                List.of(new SearchValue.Token(null, key.id(), false)))), List.of(), 1, 0, false);
        SearchQuery restricted = restrict(byId, restriction);
        // nothing added (public data of a type that is never in a compartment): no query needed
        return restricted.criteria().size() == 1 || !keys.apply(restricted).isEmpty();
    }

    /** Resources of {@code type} in the compartment named {@code key} (nothing for a type never in one). */
    SearchQuery.Criterion compartmentCriterion(String type, String key) {
        return Compartments.mayHoldPatientData(registry, type)
                ? new SearchQuery.Criterion(compartmentParam(type), null, List.of(new SearchValue.Compartment(key))) : nothing(type);
    }

    private static SearchParam compartmentParam(String type) {
        return new SearchParam(type, COMPARTMENT, RestSearchParameterTypeEnum.SPECIAL, null, null, Set.of(), false, null);
    }

    private static SearchQuery.Criterion nothing(String type) {
        return new SearchQuery.Criterion(compartmentParam(type), null, List.of(new SearchValue.Nothing()));
    }

    private static List<SearchQuery.Criterion> append(List<SearchQuery.Criterion> criteria, SearchQuery.Criterion extra) {
        List<SearchQuery.Criterion> all = new ArrayList<>(criteria);
        all.add(extra);
        return List.copyOf(all);
    }
}
