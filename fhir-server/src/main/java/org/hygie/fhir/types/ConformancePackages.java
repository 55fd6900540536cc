package org.hygie.fhir.types;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The FHIR packages Hygie publishes and obeys, read from the classpath: the implementation guide
 * ({@code ig/}: profiles, extensions, SearchParameters, OperationDefinitions) and the terminology
 * ({@code terminology/}: CodeSystems, ValueSets).
 */
public final class ConformancePackages {
    public static final String IG = "classpath*:hygie-ig/package/";
    public static final String TERMINOLOGY = "classpath*:hygie-terminology/package/";

    /**
     * Packages of others Hygie obeys without publishing them as its own (their canonicals are theirs): the ANS
     * SAS guide (ans.fhir.fr.sas 1.1.0, CC0): its profiles, extensions, value sets and SearchParameters.
     */
    public static final String DEPENDENCIES = "classpath*:hygie-dependencies/*/package/";

    /** Both packages, parsed once per JVM (the profiles' snapshots make them megabytes of JSON). */
    private static volatile List<IBaseResource> parsed;
    private static volatile List<IBaseResource> dependencies;

    private ConformancePackages() {}

    /** Every conformance resource of both packages: copies, free to change. */
    public static List<IBaseResource> all(FhirContext fhirContext) {
        List<IBaseResource> resources = parsed;
        if (resources == null) {
            List<IBaseResource> found = new ArrayList<>(load(fhirContext, IG + "*-*.json", IBaseResource.class));
            found.addAll(load(fhirContext, TERMINOLOGY + "*-*.json", IBaseResource.class));
            parsed = resources = List.copyOf(found);
        }
        return resources.stream().map(r -> (IBaseResource) ((org.hl7.fhir.r4.model.Resource) r).copy()).toList();
    }

    /** The definitions of the dependency packages (validation and search only: never republished). Copies. */
    public static List<IBaseResource> dependencies(FhirContext fhirContext) {
        List<IBaseResource> resources = dependencies;
        if (resources == null) {
            List<IBaseResource> found = new ArrayList<>();
            for (String kind : List.of("StructureDefinition", "ValueSet", "CodeSystem", "SearchParameter")) {
                for (org.hl7.fhir.r4.model.DomainResource r : load(fhirContext, DEPENDENCIES + kind + "-*.json",
                        org.hl7.fhir.r4.model.DomainResource.class)) {
                    r.setText(null); // their pages' narrative (a sixth of the bytes): no use to a validator, heap in a small container
                    found.add(r);
                }
            }
            dependencies = resources = List.copyOf(found);
        }
        return resources.stream().map(r -> (IBaseResource) ((org.hl7.fhir.r4.model.Resource) r).copy()).toList();
    }

    /** A profile of a core resource type itself (not of another profile): every resource of the type is checked against it. */
    public static boolean isTypeProfile(org.hl7.fhir.r4.model.StructureDefinition sd) {
        return sd.getKind() == org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind.RESOURCE
                && sd.getBaseDefinition().equals("http://hl7.org/fhir/StructureDefinition/" + sd.getType());
    }

    /**
     * The resource profiles the server checks by resource type: the implementation guide's, the type's own first,
     * then the dependencies' (SAS), which apply to the resources that claim them.
     */
    public static java.util.Map<String, List<String>> resourceProfiles(FhirContext fhirContext) {
        java.util.Map<String, List<String>> byType = new java.util.TreeMap<>();
        List<IBaseResource> packages = new ArrayList<>(all(fhirContext));
        packages.addAll(dependencies(fhirContext));
        for (IBaseResource resource : packages) {
            if (resource instanceof org.hl7.fhir.r4.model.StructureDefinition sd
                    && sd.getKind() == org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind.RESOURCE
                    && !sd.getVersion().endsWith("-placeholder")) { // the FR Core stand-ins check nothing of their own
                List<String> urls = byType.computeIfAbsent(sd.getType(), t -> new ArrayList<>());
                boolean own = sd.getUrl().startsWith(org.hygie.fhir.types.Canonicals.base() + "/");
                urls.add(own && isTypeProfile(sd) ? 0 : urls.size(), sd.getUrl());
            }
        }
        return byType;
    }

    /** The resources of the files matching {@code pattern} (package.json excluded by the caller's pattern). */
    public static <T extends IBaseResource> List<T> load(FhirContext fhirContext, String pattern, Class<T> type) {
        List<T> found = new ArrayList<>();
        try {
            for (Resource file : new PathMatchingResourcePatternResolver().getResources(pattern)) {
                try (InputStream in = file.getInputStream()) {
                    String json = org.hygie.fhir.types.Canonicals.rebased(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    found.add(type.cast(fhirContext.newJsonParser().parseResource(json)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the conformance resources " + pattern, e);
        }
        return found;
    }
}
