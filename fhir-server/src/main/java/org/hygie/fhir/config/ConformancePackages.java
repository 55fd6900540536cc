package org.hygie.fhir.config;

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

    /** Both packages, parsed once per JVM (the profiles' snapshots make them megabytes of JSON). */
    private static volatile List<IBaseResource> parsed;

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

    /** A profile of a core resource type itself (not of another profile): every resource of the type is checked against it. */
    public static boolean isTypeProfile(org.hl7.fhir.r4.model.StructureDefinition sd) {
        return sd.getKind() == org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind.RESOURCE
                && sd.getBaseDefinition().equals("http://hl7.org/fhir/StructureDefinition/" + sd.getType());
    }

    /** The resource profiles of the implementation guide by resource type, the type's own profile first. */
    public static java.util.Map<String, List<String>> resourceProfiles(FhirContext fhirContext) {
        java.util.Map<String, List<String>> byType = new java.util.TreeMap<>();
        for (IBaseResource resource : all(fhirContext)) {
            if (resource instanceof org.hl7.fhir.r4.model.StructureDefinition sd
                    && sd.getKind() == org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind.RESOURCE) {
                List<String> urls = byType.computeIfAbsent(sd.getType(), t -> new ArrayList<>());
                urls.add(isTypeProfile(sd) ? 0 : urls.size(), sd.getUrl());
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
                    found.add(type.cast(fhirContext.newJsonParser().parseResource(in)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the conformance resources " + pattern, e);
        }
        return found;
    }
}
