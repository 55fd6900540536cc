package org.hygie.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.concurrent.CompletableFuture;
import org.hygie.fhir.validation.CoreDefinitions;

/**
 * The server's FHIR context, warmed up while Spring starts: HAPI's FHIRPath engine (index extraction)
 * loads every R4 StructureDefinition when first created, about 4 s that would otherwise add to startup.
 */
public final class FhirContexts {
    private static volatile CompletableFuture<FhirContext> warming;

    private FhirContexts() {}

    /** Called first thing by main: builds the context and its FHIRPath engine on a background thread. */
    public static void prewarm() {
        warming = CompletableFuture.supplyAsync(() -> {
            FhirContext context = serverContext();
            context.newFhirPath();
            return context;
        });
    }

    /** The warmed-up context (waiting for the warm-up to end), or a fresh one when main did not warm one (tests, commands). */
    public static FhirContext server() {
        CompletableFuture<FhirContext> pending = warming;
        if (pending != null) {
            warming = null;
            return pending.join();
        }
        return serverContext();
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
