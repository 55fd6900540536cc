package org.hygie.fhir.storage.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hygie.fhir.types.ResourceTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search parameters answered for each supported resource type: every standard R4 parameter of a
 * supported kind, taken from HAPI's model so none is forgotten. {@code _id} and {@code _lastUpdated} are
 * answered from the resource table itself. Parameters of kinds not yet supported (composite, special)
 * and {@code phonetic} (which needs a phonetic encoder) are left out, so that what the
 * CapabilityStatement lists is exactly what works.
 */
public class SearchParameterRegistry {
    private static final Logger log = LoggerFactory.getLogger(SearchParameterRegistry.class);

    private static final Set<RestSearchParameterTypeEnum> INDEXED_KINDS = EnumSet.of(
            RestSearchParameterTypeEnum.TOKEN,
            RestSearchParameterTypeEnum.STRING,
            RestSearchParameterTypeEnum.DATE,
            RestSearchParameterTypeEnum.REFERENCE,
            RestSearchParameterTypeEnum.NUMBER,
            RestSearchParameterTypeEnum.QUANTITY,
            RestSearchParameterTypeEnum.URI);
    private static final Set<String> RESOURCE_TABLE_PARAMS = Set.of("_id", "_lastUpdated");
    private static final Set<String> LEFT_OUT = Set.of("phonetic");
    /** The only special and composite parameters R4 defines for the types served, each supported as such. */
    private static final Set<String> SPECIAL_SUPPORTED = Set.of("Location:near", "DocumentReference:relationship");

    private final Map<String, Map<String, SearchParam>> byType = new LinkedHashMap<>();

    public SearchParameterRegistry(FhirContext fhirContext, List<String> resourceTypes) {
        this(fhirContext, resourceTypes, List.of());
    }

    /** @param custom SearchParameters published by the implementation guide, added to the standard ones */
    public SearchParameterRegistry(FhirContext fhirContext, List<String> resourceTypes, List<org.hl7.fhir.r4.model.SearchParameter> custom) {
        for (String type : resourceTypes) {
            Map<String, SearchParam> params = new LinkedHashMap<>();
            for (RuntimeSearchParam p : fhirContext.getResourceDefinition(type).getSearchParams()) {
                if (RESOURCE_TABLE_PARAMS.contains(p.getName())) {
                    params.put(p.getName(), new SearchParam(type, p.getName(), p.getParamType(), p.getPath(), null, Set.of(), false));
                    continue;
                }
                boolean special = SPECIAL_SUPPORTED.contains(type + ":" + p.getName());
                if ((!INDEXED_KINDS.contains(p.getParamType()) && !special) || LEFT_OUT.contains(p.getName())) {
                    continue;
                }
                try {
                    IFhirPath.IParsedExpression parsed = ExpressionParser.parse(p.getPath());
                    // directory data is public and never in a compartment, whatever R4's CompartmentDefinition says
                    // (it puts a Schedule whose actor is a Patient in that patient's; Hygie refuses such a Schedule)
                    boolean patientCompartment = p.getParamType() == RestSearchParameterTypeEnum.REFERENCE
                            && ResourceTypes.kind(type) != ResourceTypes.Kind.DIRECTORY
                            && p.getProvidesMembershipInCompartments() != null
                            && p.getProvidesMembershipInCompartments().contains(ResourceTypes.PATIENT);
                    SearchParam param = new SearchParam(type, p.getName(), p.getParamType(), p.getPath(),
                            parsed, Set.copyOf(p.getTargets()), patientCompartment);
                    // the canonical R4 gives it (individual-email for Patient and Practitioner), not one made from the name
                    params.put(p.getName(), p.getUri() == null ? param : new SearchParam(type, p.getName(), p.getParamType(), p.getPath(),
                            parsed, Set.copyOf(p.getTargets()), patientCompartment, p.getUri()));
                } catch (Exception unparseable) {
                    log.warn("Search parameter {}:{} left out: its expression does not parse ({})",
                            type, p.getName(), unparseable.getMessage());
                }
            }
            // _source (meta.source) is a standard parameter of every resource that HAPI's R4 model leaves out
            try {
                params.put("_source", new SearchParam(type, "_source", RestSearchParameterTypeEnum.URI, "meta.source",
                        ExpressionParser.parse("meta.source"), Set.of(), false));
            } catch (Exception e) {
                throw new IllegalStateException("meta.source does not parse", e);
            }
            for (org.hl7.fhir.r4.model.SearchParameter sp : custom) {
                if (sp.getBase().stream().noneMatch(b -> type.equals(b.getCode()))) {
                    continue;
                }
                try {
                    params.put(sp.getCode(), new SearchParam(type, sp.getCode(), RestSearchParameterTypeEnum.forCode(sp.getType().toCode()),
                            sp.getExpression(), ExpressionParser.parse(sp.getExpression()), Set.of(), false, sp.getUrl()));
                } catch (Exception e) {
                    throw new IllegalStateException("SearchParameter " + sp.getUrl() + " has an expression that does not parse", e);
                }
            }
            byType.put(type, Collections.unmodifiableMap(params));
        }
    }

    public Set<String> resourceTypes() {
        return byType.keySet();
    }

    public boolean supportsType(String type) {
        return byType.containsKey(type);
    }

    public Optional<SearchParam> find(String type, String name) {
        return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(name));
    }

    /** All parameters of a type, including {@code _id} and {@code _lastUpdated}. */
    public List<SearchParam> forType(String type) {
        return List.copyOf(byType.getOrDefault(type, Map.of()).values());
    }

    /** The parameters whose values are extracted into index rows. */
    public List<SearchParam> indexedForType(String type) {
        return forType(type).stream().filter(p -> p.parsedExpression() != null).toList();
    }
}
