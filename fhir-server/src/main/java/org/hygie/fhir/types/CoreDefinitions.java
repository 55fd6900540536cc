package org.hygie.fhir.types;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.util.BundleUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The R4 core StructureDefinitions, held once per JVM.
 *
 * <p>HAPI keeps each definition twice once its validator runs: the R4 object (from its default support,
 * which is also where the FHIRPath engine reads type names) and the R5 conversion the validator works
 * on, which HAPI attaches to that R4 object. Nothing reads the R4 elements after the conversion: the
 * FHIRPath engines used to index and patch resources only evaluate, and evaluation needs a definition's
 * name, type, kind and base, not its elements. So once the validator has converted a definition,
 * {@link #keepOnlyConverted} drops the R4 elements (about 45 MB of heap, a fifth of the server's live
 * heap). Loaded here, not shared with HAPI's default support, so that other users of that support in
 * the same JVM (snapshot generation, tests) keep complete definitions.
 *
 * <p>Code systems and value sets come from HAPI's default support, unchanged.
 */
public final class CoreDefinitions implements IValidationSupport {
    private static final String BASE = "http://hl7.org/fhir/StructureDefinition/";
    private static final String PACKAGE = "hl7.fhir.r4.core";
    /** The files HAPI's default support reads its R4 StructureDefinitions from (hapi-fhir-validation-resources-r4). */
    private static final List<String> BUNDLES = List.of(
            "/org/hl7/fhir/r4/model/profile/profiles-resources.xml",
            "/org/hl7/fhir/r4/model/profile/profiles-types.xml",
            "/org/hl7/fhir/r4/model/profile/profiles-others.xml",
            "/org/hl7/fhir/r4/model/extension/extension-definitions.xml");

    private final FhirContext fhirContext;
    private final IValidationSupport terminology;
    /** Null until parsed; written once, under this object's lock. */
    private volatile Parsed parsed;

    /** The definitions by URL, and the same as a list (what a FHIRPath engine asks for when built). */
    private record Parsed(Map<String, StructureDefinition> byUrl, List<IBaseResource> all) {}

    /** A private, complete set, parsed when first asked for (parsing takes a few seconds). */
    public CoreDefinitions(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
        this.terminology = new DefaultProfileValidationSupport(fhirContext);
    }

    /**
     * The definitions, parsed on first use: nothing the server needs to answer its first request
     * reads them (search parameters are parsed without them), so startup does not wait for them; the
     * validator's warm-up or the first write's FHIRPath engine loads them.
     */
    private Parsed parsed() {
        Parsed set = parsed;
        if (set == null) {
            synchronized (this) {
                set = parsed;
                if (set == null) {
                    Map<String, StructureDefinition> byUrl = parse(fhirContext);
                    set = new Parsed(byUrl, List.copyOf(byUrl.values()));
                    parsed = set;
                }
            }
        }
        return set;
    }

    private static Map<String, StructureDefinition> parse(FhirContext fhirContext) {
        Map<String, StructureDefinition> byUrl = new LinkedHashMap<>();
        for (String bundle : BUNDLES) {
            try (InputStream in = CoreDefinitions.class.getResourceAsStream(bundle)) {
                if (in == null) {
                    throw new IllegalStateException("The R4 core definitions are not on the class path: " + bundle);
                }
                // lenient and quiet, as HAPI reads them: the published files have a few elements R4 lacks
                IBaseBundle parsed = (IBaseBundle) fhirContext.newXmlParser().setParserErrorHandler(new LenientErrorHandler(false))
                        .parseResource(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (IBaseResource resource : BundleUtil.toListOfResources(fhirContext, parsed)) {
                    if (resource instanceof StructureDefinition sd && sd.hasUrl()) {
                        // as HAPI's default support marks them: the validator tells core definitions by their package
                        sd.setUserData(DefaultProfileValidationSupport.SOURCE_PACKAGE_ID, PACKAGE);
                        byUrl.put(sd.getUrl(), sd);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return byUrl;
    }

    /** The JVM's set: the server's FHIRPath engines and its validator share it. */
    public static CoreDefinitions shared() {
        return Shared.SET;
    }

    /** Built when first asked for (the class is initialized then); cheap, as the definitions are parsed on first use. */
    private static final class Shared {
        static final CoreDefinitions SET = new CoreDefinitions(FhirContext.forR4Cached());
    }

    /**
     * Converts every definition for {@code worker} (HAPI attaches the conversion to the R4 object), then
     * drops the R4 elements of each converted one. A definition whose conversion failed, or that
     * {@code chain} (the worker's support) does not answer with this very object, keeps its elements.
     *
     * @return how many definitions were trimmed
     */
    public int keepOnlyConverted(IValidationSupport chain, WorkerContextValidationSupportAdapter worker) {
        int trimmed = 0;
        for (StructureDefinition sd : parsed().byUrl().values()) {
            if (!sd.hasSnapshot() && !sd.hasDifferential()) {
                trimmed++; // done by an earlier validator of this JVM
                continue;
            }
            org.hl7.fhir.r5.model.StructureDefinition converted =
                    worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, sd.getUrl());
            // the validator must find the conversion on the object held here, or it would convert the trimmed one
            if (converted != null && converted.hasSnapshot() && chain.fetchStructureDefinition(sd.getUrl()) == sd) {
                sd.setSnapshot(null);
                sd.setDifferential(null);
                sd.setText(null);
                sd.getMapping().clear();
                trimmed++;
            }
        }
        return trimmed;
    }

    @Override
    public FhirContext getFhirContext() {
        return fhirContext;
    }

    @Override
    public String getName() {
        return "Hygie R4 core definitions";
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
        return (List<T>) parsed().all();
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        if (url == null) {
            return null;
        }
        int version = url.indexOf('|');
        String canonical = version < 0 ? url : url.substring(0, version);
        return parsed().byUrl().get(canonical.contains("/") ? canonical : BASE + canonical);
    }

    @Override
    public IBaseResource fetchCodeSystem(String system) {
        return terminology.fetchCodeSystem(system);
    }

    @Override
    public IBaseResource fetchValueSet(String url) {
        return terminology.fetchValueSet(url);
    }

    @Override
    public <T extends IBaseResource> List<T> fetchAllSearchParameters() {
        return terminology.fetchAllSearchParameters();
    }

    /** Whether the definitions have been parsed (for tests). */
    public boolean loaded() {
        return parsed != null;
    }

    /** The definitions, for tests: the same objects the engines hold. */
    public List<StructureDefinition> definitions() {
        return new ArrayList<>(parsed().byUrl().values());
    }
}
