package org.hygie.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.concurrent.CompletableFuture;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.storage.WriteValidation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Validation on write and on demand ($validate). The validator (core definitions, the ig/ and
 * terminology/ packages, snapshots) takes seconds to build: it is built once per JVM on a background
 * thread when the web server starts (not for commands), so reads are served at once and the first
 * writes wait for it.
 */
public final class Validation implements WriteValidation {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Validation.class);
    private static final Object LOCK = new Object();
    /** The validator being built or built; replaced when building failed, so a later write tries again. */
    private static CompletableFuture<ResourceValidator> shared;

    private final boolean enabled;
    private final HygieProperties.Validation.FailOn failOn;

    public Validation(boolean enabled, HygieProperties.Validation.FailOn failOn) {
        this.enabled = enabled;
        this.failOn = failOn;
    }

    /** Starts building the shared validator (once per JVM, again only if the last attempt failed). */
    public static void warmUp() {
        building();
    }

    private static CompletableFuture<ResourceValidator> building() {
        synchronized (LOCK) {
            if (shared != null && !shared.isCompletedExceptionally()) {
                return shared;
            }
            CompletableFuture<ResourceValidator> attempt = new CompletableFuture<>();
            shared = attempt;
            Thread builder = new Thread(() -> build(attempt), "validator-warm-up");
            builder.setDaemon(true);
            builder.start();
            return attempt;
        }
    }

    private static void build(CompletableFuture<ResourceValidator> attempt) {
        try {
            long start = System.nanoTime();
            FhirContext context = org.hygie.fhir.types.FhirContexts.server();
            ResourceValidator validator = new ResourceValidator(context, new ValidationSupport(context));
            int shared = validator.keepOneCopyOfCoreDefinitions();
            // each profiled type's first validation loads its definitions and value sets: not on a client's time
            for (String type : validator.profiledTypes()) {
                validator.validate(context.getResourceDefinition(type).newInstance(), null);
            }
            attempt.complete(validator);
            log.info("Validator ready in {} ms (R4 core, {} of its definitions held once; ig/ and terminology/ packages)",
                    (System.nanoTime() - start) / 1_000_000, shared);
        } catch (RuntimeException | Error e) {
            // e.g. a heap too small for the definitions (about 100 MB of them): writes fail until an attempt succeeds
            log.error("The validator could not be built ({}); writes are refused until it is, the next one tries again", e.toString());
            attempt.completeExceptionally(e);
        }
    }

    /** The validator, waiting for the warm-up (started now if nobody started it, or if it failed). */
    public ResourceValidator validator() {
        return building().join();
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public void check(IBaseResource resource) {
        if (!enabled) {
            return;
        }
        OperationOutcome outcome = validator().validate(resource, null);
        if (ResourceValidator.fails(outcome, failOn)) {
            throw new UnprocessableEntityException(summary(resource, outcome), outcome);
        }
    }

    private static String summary(IBaseResource resource, OperationOutcome outcome) {
        OperationOutcome.OperationOutcomeIssueComponent first = outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .findFirst().orElse(outcome.getIssueFirstRep());
        return resource.fhirType() + " does not conform: " + first.getDiagnostics()
                + (first.hasExpression() ? " (at " + first.getExpression().get(0).getValue() + ")" : "");
    }
}
