package org.hygie.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.conformance.profile.ProfileUtilities;
import org.hl7.fhir.r5.elementmodel.JsonParser;
import org.hl7.fhir.r5.elementmodel.ParserBase;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.types.CoreDefinitions;

/**
 * Validates a resource against the base specification, the profile Hygie declares for its type
 * ({@code ig/}) and the profiles it claims in {@code meta.profile} that Hygie knows.
 *
 * <p>HAPI's {@code FhirInstanceValidator} builds a new core {@link InstanceValidator} for every
 * resource, and that constructor reads an OID table from a CSV file: 80 % of a validation's time here
 * (JFR). So a small pool of InstanceValidators (two per core; one used by one thread at a time) is
 * reused, each configured as HAPI configures it and renewed every {@value #REUSES} validations so
 * whatever it accumulates stays bounded. The definitions behind them (the worker context) are shared.
 */
public final class ResourceValidator {
    /** Which issues make a write fail: errors only, or warnings too. */

    private static final int REUSES = 1000;

    /** IHE's and ANS's comprehensive DocumentReference profiles, checked with Hygie's local equivalent (their packages are not here). */
    static Map<String, String> equivalentProfiles() {
        String local = org.hygie.fhir.types.Canonicals.url("StructureDefinition/hygie-documentreference-comprehensive");
        return Map.of("https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference", local,
                "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-document-reference", local);
    }

    /**
     * A type profile a package relies on that no package here defines (the SAS guide's FR Core datatypes: FR
     * Core is not obtainable offline): a warning that it was not checked, not a refusal of what the rest allows.
     */
    private static final Set<String> NOT_CHECKED = Set.of("Validation_VAL_Unknown_Profile");

    /** Messages HAPI's validator drops too: unknown claimed profiles are not an error here. */
    private static final Set<String> DROPPED = Set.of("Validation_VAL_Profile_Unknown", "VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY",
            "Terminology_TX_Binding_NoSource", "Terminology_TX_ValueSet_NotFound");

    private final FhirContext fhirContext;
    private final WorkerContextValidationSupportAdapter worker;
    private final ca.uhn.fhir.context.support.IValidationSupport support;
    private final CoreDefinitions core;
    private final List<StructureDefinition> definitions;
    private final Map<String, String> profileOfType = new HashMap<>();
    private final List<String> profiles = new ArrayList<>();
    /** Idle core validators; at most {@link #POOL} exist (validation is CPU-bound: more would only queue and take memory). */
    private final java.util.concurrent.BlockingQueue<Reused> idle = new java.util.concurrent.LinkedBlockingQueue<>();
    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(POOL);
    private static final int POOL = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);

    private static final class Reused {
        final InstanceValidator validator;
        /** For the parser: building one per resource costs two FHIRPath engines, each walking all definitions. */
        final ProfileUtilities profileUtilities;
        int uses;

        Reused(InstanceValidator validator, ProfileUtilities profileUtilities) {
            this.validator = validator;
            this.profileUtilities = profileUtilities;
        }
    }

    public ResourceValidator(FhirContext fhirContext, ValidationSupport support) {
        this.fhirContext = fhirContext;
        this.support = support.chain();
        this.core = support.core();
        this.definitions = support.structureDefinitions();
        this.worker = new RememberingWorkerContext(support.chain());
        for (StructureDefinition sd : support.structureDefinitions()) {
            // Hygie's own profiles apply to every resource of their type; a dependency's (SAS) only when claimed
            boolean own = sd.getUrl().startsWith(org.hygie.fhir.types.Canonicals.base() + "/");
            if (own && sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE) {
                profiles.add(sd.getUrl());
            }
            if (own && org.hygie.fhir.types.ConformancePackages.isTypeProfile(sd)) {
                profileOfType.put(sd.getType(), sd.getUrl());
            }
        }
    }

    /**
     * Keeps one copy of the R4 core definitions, the R5 conversions this validator works on (see
     * {@link CoreDefinitions}). Call it before the first validation: HAPI's worker otherwise lists all
     * definitions as conversions of its own, a third copy.
     *
     * @return how many core definitions are held once
     */
    public int keepOneCopyOfCoreDefinitions() {
        return core.keepOnlyConverted(support, worker);
    }

    /** What the validator knows: definitions, code systems, value sets (for the terminology operations). */
    public ca.uhn.fhir.context.support.IValidationSupport support() {
        return support;
    }

    /** The profile every resource of {@code type} is checked against, or null (base specification only). */
    public String profileOf(String type) {
        return profileOfType.get(type);
    }

    /** The implementation guide's StructureDefinitions, with the snapshots generated when the validator was built. */
    public List<StructureDefinition> definitions() {
        return definitions;
    }

    /** The resource types that have a profile of their own. */
    public java.util.Set<String> profiledTypes() {
        return java.util.Set.copyOf(profileOfType.keySet());
    }

    /** Every resource profile of the implementation guide. */
    public List<String> profiles() {
        return List.copyOf(profiles);
    }

    /** Whether {@code url} names a profile the validator knows (core or implementation guide). */
    public boolean knows(String url) {
        return worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, equivalentProfiles().getOrDefault(url, url)) != null;
    }

    /**
     * All issues found (information left out), as an OperationOutcome: empty when the resource conforms.
     *
     * @param extraProfile a profile to check as well ($validate's {@code profile} parameter), or null
     */
    public OperationOutcome validate(IBaseResource resource, String extraProfile) {
        List<String> claimed = resource instanceof Resource r ? r.getMeta().getProfile().stream().map(p -> p.getValue()).toList() : List.of();
        byte[] json = fhirContext.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        return validate(resource.fhirType(), json, claimed, extraProfile);
    }

    /**
     * As {@link #validate(IBaseResource, String)}, for a resource as a client sent it (JSON), not parsed first: a
     * value the parser would refuse (a code outside its value set) is then reported as an issue ({@code $validate}).
     */
    public OperationOutcome validate(String type, byte[] json, List<String> claimedProfiles, String extraProfile) {
        Set<String> urls = new LinkedHashSet<>();
        if (profileOf(type) != null) {
            urls.add(profileOf(type));
        }
        claimedProfiles.forEach(p -> urls.add(equivalentProfiles().getOrDefault(p, p)));
        if (extraProfile != null) {
            urls.add(equivalentProfiles().getOrDefault(extraProfile, extraProfile));
        }
        List<org.hl7.fhir.r5.model.StructureDefinition> checked = new ArrayList<>();
        for (String url : urls) {
            org.hl7.fhir.r5.model.StructureDefinition sd = worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url);
            if (sd != null) {
                checked.add(sd);
            }
        }
        List<ValidationMessage> messages = new ArrayList<>();
        slots.acquireUninterruptibly();
        Reused reused = null;
        try {
            reused = idle.poll();
            if (reused == null || reused.uses >= REUSES) {
                reused = null; // if building the new one fails, nothing goes back to the pool
                reused = new Reused(newInstanceValidator(), new ProfileUtilities(worker, null, null));
            }
            reused.uses++;
            validateJson(reused, json, checked, messages);
        } finally {
            if (reused != null) {
                idle.offer(reused);
            }
            slots.release();
        }
        OperationOutcome outcome = new OperationOutcome();
        for (ValidationMessage message : messages) {
            OperationOutcome.IssueSeverity severity = severity(message.getLevel());
            if (severity == OperationOutcome.IssueSeverity.INFORMATION
                    || message.getMessageId() != null && DROPPED.contains(message.getMessageId())) {
                continue;
            }
            boolean notChecked = message.getMessageId() != null && NOT_CHECKED.contains(message.getMessageId());
            OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                    .setSeverity(notChecked ? OperationOutcome.IssueSeverity.WARNING : severity)
                    .setCode(OperationOutcome.IssueType.PROCESSING)
                    .setDiagnostics(notChecked ? message.getMessage() + " (not checked: this server does not have that definition)"
                            : message.getMessage());
            if (message.getLocation() != null) {
                issue.addExpression(message.getLocation());
            }
        }
        // errors first: a client reads the first issue
        outcome.getIssue().sort(java.util.Comparator.comparing(OperationOutcome.OperationOutcomeIssueComponent::getSeverity));
        return outcome;
    }

    /**
     * What {@code InstanceValidator.validate(stream, JSON, profiles)} does, with the parser built on the pooled
     * ProfileUtilities: HAPI's builds a new parser for each resource, and its constructor two FHIRPath
     * engines that each walk every definition (a tenth of validation's CPU in a booking profile, JFR).
     */
    private void validateJson(Reused reused, byte[] json, List<org.hl7.fhir.r5.model.StructureDefinition> profiles,
                              List<ValidationMessage> messages) {
        JsonParser parser = new JsonParser(worker, reused.profileUtilities);
        parser.setupValidation(ParserBase.ValidationPolicy.EVERYTHING);
        List<ValidatedFragment> fragments;
        try {
            fragments = parser.parse(new ByteArrayInputStream(json));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // an in-memory stream
        }
        for (ValidatedFragment fragment : fragments) {
            if (fragment.getElement() != null) {
                reused.validator.validate(null, fragment.getErrors(), fragments.size() > 1 ? fragment.path() : null,
                        fragment.getElement(), profiles);
            }
            messages.addAll(fragment.getErrors());
        }
    }

    private static OperationOutcome.IssueSeverity severity(ValidationMessage.IssueSeverity level) {
        if (level == null) {
            return OperationOutcome.IssueSeverity.ERROR;
        }
        return switch (level) {
            case FATAL -> OperationOutcome.IssueSeverity.FATAL;
            case ERROR -> OperationOutcome.IssueSeverity.ERROR;
            case WARNING -> OperationOutcome.IssueSeverity.WARNING;
            default -> OperationOutcome.IssueSeverity.INFORMATION;
        };
    }

    /** Configured as HAPI's ValidatorWrapper configures it; unknown extensions allowed (other IGs' extensions are welcome). */
    private InstanceValidator newInstanceValidator() {
        InstanceValidator v = new InstanceValidator(worker, new FhirInstanceValidator.NullEvaluationContext(),
                new PackagedCrossVersionExtensions(worker), new ValidatorSession(), new ValidatorSettings());
        v.setAssumeValidRestReferences(false);
        v.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
        v.setAnyExtensionsAllowed(true);
        v.setResourceIdRule(IdStatus.OPTIONAL);
        v.setNoTerminologyChecks(false);
        v.setErrorForUnknownProfiles(false);
        v.setUnknownCodeSystemsCauseErrors(false);
        v.setPolicyAdvisor(new FhirDefaultPolicyAdvisor());
        v.setNoExtensibleWarnings(false);
        v.setNoBindingMsgSuppressed(false);
        v.setAllowExamples(false);
        v.setAllowXsiLocation(true);
        return v;
    }

    /** Whether {@code outcome} has an issue at or above the failing severity. */
    public static boolean fails(OperationOutcome outcome, HygieProperties.Validation.FailOn failOn) {
        return outcome.getIssue().stream().anyMatch(i -> switch (i.getSeverity()) {
            case FATAL, ERROR -> true;
            case WARNING -> failOn == HygieProperties.Validation.FailOn.WARNING;
            default -> false;
        });
    }
}
