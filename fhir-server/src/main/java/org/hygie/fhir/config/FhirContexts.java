package org.hygie.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.concurrent.CompletableFuture;
import org.hygie.fhir.validation.CoreDefinitions;

/**
 * The JVM's one server FHIR context (a context holds the model of every type it has used: ~40 MB for all
 * of them, so the web server and the validator share one), warmed up while Spring starts: HAPI's FHIRPath
 * engine (index extraction) loads the R4 core StructureDefinitions when first created, about 4 s that
 * would otherwise add to startup.
 */
public final class FhirContexts {
    private static final CompletableFuture<FhirContext> SHARED = new CompletableFuture<>();
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    private FhirContexts() {}

    /** Called first thing by main: builds the context and its FHIRPath engine on a background thread. */
    public static void prewarm() {
        if (STARTED.compareAndSet(false, true)) {
            CompletableFuture.runAsync(FhirContexts::build);
        }
    }

    /** The server context (waiting for the warm-up, or building it on this thread if nobody started it: tests, commands). */
    public static FhirContext server() {
        if (STARTED.compareAndSet(false, true)) {
            build();
        }
        return SHARED.join();
    }

    private static void build() {
        try {
            FhirContext context = serverContext();
            context.newFhirPath();
            SHARED.complete(context);
        } catch (RuntimeException | Error e) {
            SHARED.completeExceptionally(e);
            throw e;
        }
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
