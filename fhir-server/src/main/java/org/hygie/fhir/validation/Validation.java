package org.hygie.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.concurrent.CompletableFuture;
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
    private static final CompletableFuture<ResourceValidator> SHARED = new CompletableFuture<>();
    private static volatile boolean started;

    private final boolean enabled;
    private final ResourceValidator.FailOn failOn;

    public Validation(boolean enabled, ResourceValidator.FailOn failOn) {
        this.enabled = enabled;
        this.failOn = failOn;
    }

    /** Starts building the shared validator (once per JVM). */
    public static void warmUp() {
        synchronized (SHARED) {
            if (started) {
                return;
            }
            started = true;
        }
        Thread builder = new Thread(() -> {
            try {
                long start = System.nanoTime();
                FhirContext context = FhirContext.forR4Cached();
                ResourceValidator validator = new ResourceValidator(context, new ValidationSupport(context));
                // each profiled type's first validation loads its definitions and value sets: not on a client's time
                for (String type : validator.profiledTypes()) {
                    validator.validate(context.getResourceDefinition(type).newInstance(), null);
                }
                SHARED.complete(validator);
                log.info("Validator ready in {} ms (R4 core, ig/ and terminology/ packages)", (System.nanoTime() - start) / 1_000_000);
            } catch (RuntimeException | Error e) {
                SHARED.completeExceptionally(e);
            }
        }, "validator-warm-up");
        builder.setDaemon(true);
        builder.start();
    }

    /** The validator, waiting for the warm-up (started now if nobody started it). */
    public ResourceValidator validator() {
        warmUp();
        return SHARED.join();
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
