package org.hygie.fhir.types;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hygie.fhir.types.CoreDefinitions;

/**
 * The JVM's one server FHIR context (a context holds the model of every type it has used: ~40 MB for all
 * of them, so the web server and the validator share one). Its FHIRPath engines read type names from the
 * R4 core definitions, which are parsed when the first engine is built (the validator's warm-up or the
 * first write), not at startup: see {@link CoreDefinitions}.
 */
public final class FhirContexts {
    /** Built when this class is first used, by {@link #server()}. */
    private static final FhirContext SHARED = serverContext();

    private FhirContexts() {}

    /** The server context. */
    public static FhirContext server() {
        return SHARED;
    }

    /**
     * Loads the core definitions on a background thread, so that the first write does not wait for them
     * (the validator's warm-up does this when validation is on).
     */
    public static void warmUpFhirPath() {
        Thread warmUp = new Thread(() -> server().newFhirPath(), "fhirpath-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Strict parsing: an unknown element or invalid code is a 400, never silently dropped. The FHIRPath
     * engine reads type names from the JVM's one set of core definitions, the validator's.
     */
    private static FhirContext serverContext() {
        FhirContext context = FhirContext.forR4();
        context.setParserErrorHandler(new StrictErrorHandler());
        context.setValidationSupport(CoreDefinitions.shared());
        return context;
    }
}
