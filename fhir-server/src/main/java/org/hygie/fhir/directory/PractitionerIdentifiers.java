package org.hygie.fhir.directory;

import static org.hygie.fhir.error.FhirErrors.conflict;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteRule;
import org.hygie.fhir.storage.WriteSet;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;

/**
 * A practitioner's national identifier (IDNPS, urn:oid:1.2.250.1.71.4.2.1: RPPS, ADELI or FINESS based) names
 * one Practitioner: a second one with the same value is refused (409), so an aggregator that looks a
 * practitioner up by IDNPS finds one. (Other systems are left alone: R4's own examples share identifiers.)
 * Writers of one identifier are serialized by a named lock, so two concurrent creations cannot both pass.
 * One exception, the SAS guide's: a practitioner acting as a regulator has a second Practitioner (profile
 * FrPractitionerRegul) with the same IDNPS; those neither count nor are counted.
 */
public final class PractitionerIdentifiers implements WriteRule {
    private final ResourceService service;
    private final SearchRequestParser parser;

    public PractitionerIdentifiers(ResourceService service, SearchRequestParser parser) {
        this.service = service;
        this.parser = parser;
    }

    /** The SAS guide's regulator profile, under both canonicals its package uses. */
    static final java.util.Set<String> SAS_REGULATOR = java.util.Set.of("http://sas.fr/fhir/StructureDefinition/FrPractitionerRegul",
            "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/FrPractitionerRegul");
    /** The national identifier of health professionals (IDNPS: RPPS, ADELI or FINESS based). */
    static final String IDNPS = "urn:oid:1.2.250.1.71.4.2.1";

    @Override
    public String resourceType() {
        return "Practitioner";
    }

    @Override
    public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
        if (next == null || regulator(next)) {
            return;
        }
        List<Identifier> identifiers = ((Practitioner) next).getIdentifier().stream()
                .filter(i -> IDNPS.equals(i.getSystem()) && i.hasValue()).sorted(java.util.Comparator.comparing(i -> i.getSystem() + "|" + i.getValue()))
                .toList();
        for (int i = 0; i < identifiers.size(); i++) {
            Identifier identifier = identifiers.get(i);
            String token = identifier.getSystem() + "|" + identifier.getValue();
            service.lockName("Practitioner.identifier " + token); // in a fixed order: two writers never wait for each other
            var others = service.keys(parser.parse("Practitioner", Map.of("identifier", new String[] {escape(identifier.getSystem()) + "|"
                    + escape(identifier.getValue())}, "_count", new String[] {"2"}), false, null)).stream()
                    .filter(k -> !k.id().equals(key.id()) && !regulator(service.read(k))).toList();
            if (!others.isEmpty()) {
                throw conflict("Practitioner/" + others.get(0).id() + " already has the identifier " + token
                        + "; a practitioner's identifier names one Practitioner",
                        "Practitioner.identifier[" + ((Practitioner) next).getIdentifier().indexOf(identifier) + "]");
            }
        }
    }

    private static boolean regulator(IBaseResource practitioner) {
        return ((Practitioner) practitioner).getMeta().getProfile().stream().anyMatch(p -> SAS_REGULATOR.contains(p.getValue()));
    }

    /** A token search value: its commas, pipes and backslashes escaped (FHIR search escaping). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,").replace("|", "\\|").replace("$", "\\$");
    }
}
