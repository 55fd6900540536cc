package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notFound;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import java.util.List;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hygie.fhir.web.CapabilityStatementProvider.DeclaredOperation;

/**
 * The FHIR terminology operations over what Hygie knows offline: the R4 core code systems and value
 * sets, and those of the terminology/ package (TRE-R38, TRE-G15, appointment reasons...).
 * $lookup, $validate-code (CodeSystem and ValueSet) and $expand (with filter, count, offset).
 */
public class TerminologyOperations {
    public static final List<DeclaredOperation> DECLARED = List.of(
            new DeclaredOperation("CodeSystem", "lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup"),
            new DeclaredOperation("CodeSystem", "validate-code", "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code"),
            new DeclaredOperation("ValueSet", "expand", "http://hl7.org/fhir/OperationDefinition/ValueSet-expand"),
            new DeclaredOperation("ValueSet", "validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code"));

    private static final int MAX_EXPANSION = 1000;

    private final FhirContext fhirContext;
    private final Supplier<IValidationSupport> support;

    /** @param support the validator's support chain (waited for on first use) */
    public TerminologyOperations(FhirContext fhirContext, Supplier<IValidationSupport> support) {
        this.fhirContext = fhirContext;
        this.support = support;
    }

    @Operation(name = "$lookup", type = CodeSystem.class, idempotent = true)
    public Parameters lookup(@OperationParam(name = "code") CodeType code, @OperationParam(name = "system") UriType system,
                             @OperationParam(name = "version") StringType version, @OperationParam(name = "coding") Coding coding,
                             @OperationParam(name = "property") List<CodeType> properties) {
        Coding asked = coding(code, system, coding, "$lookup");
        IValidationSupport chain = support.get();
        IValidationSupport.LookupCodeResult result = chain.lookupCode(new ValidationSupportContext(chain),
                new LookupCodeRequest(asked.getSystem(), asked.getCode(), null,
                        properties == null ? List.of() : properties.stream().map(CodeType::getValue).toList()));
        if (result == null || !result.isFound()) {
            throw notFound("Code " + asked.getCode() + " is not in code system " + asked.getSystem()
                    + (chain.isCodeSystemSupported(new ValidationSupportContext(chain), asked.getSystem()) ? ""
                    : " (this server does not know that code system)"));
        }
        return (Parameters) result.toParameters(fhirContext, properties);
    }

    @Operation(name = "$validate-code", type = CodeSystem.class, idempotent = true)
    public Parameters validateInCodeSystem(@OperationParam(name = "url") UriType url, @OperationParam(name = "code") CodeType code,
                                           @OperationParam(name = "version") StringType version,
                                           @OperationParam(name = "display") StringType display,
                                           @OperationParam(name = "coding") Coding coding,
                                           @OperationParam(name = "codeableConcept") CodeableConcept concept) {
        List<Coding> codings = codings(code, url, coding, concept);
        IValidationSupport chain = support.get();
        return firstValid(codings, display, (c, shown) -> chain.validateCode(new ValidationSupportContext(chain),
                new ConceptValidationOptions(), c.getSystem(), c.getCode(), shown, null));
    }

    @Operation(name = "$validate-code", type = ValueSet.class, idempotent = true)
    public Parameters validateInValueSet(@OperationParam(name = "url") UriType url, @OperationParam(name = "valueSet") ValueSet valueSet,
                                         @OperationParam(name = "code") CodeType code, @OperationParam(name = "system") UriType system,
                                         @OperationParam(name = "display") StringType display,
                                         @OperationParam(name = "coding") Coding coding,
                                         @OperationParam(name = "codeableConcept") CodeableConcept concept) {
        ValueSet target = valueSet(url, valueSet, "$validate-code");
        List<Coding> codings = codings(code, system, coding, concept);
        IValidationSupport chain = support.get();
        return firstValid(codings, display, (c, shown) -> chain.validateCodeInValueSet(new ValidationSupportContext(chain),
                new ConceptValidationOptions(), c.getSystem(), c.getCode(), shown, target));
    }

    /** $validate-code's answer: the first coding found valid (a CodeableConcept is valid if one of its codings is), else the last answer. */
    private static Parameters firstValid(List<Coding> codings, StringType display,
                                         java.util.function.BiFunction<Coding, String, IValidationSupport.CodeValidationResult> check) {
        IValidationSupport.CodeValidationResult found = null;
        for (Coding c : codings) {
            found = check.apply(c, display == null ? c.getDisplay() : display.getValue());
            if (found != null && found.isOk()) {
                break;
            }
        }
        return result(found, codings.get(0));
    }

    @Operation(name = "$expand", type = ValueSet.class, idempotent = true)
    public ValueSet expand(@OperationParam(name = "url") UriType url, @OperationParam(name = "valueSet") ValueSet valueSet,
                           @OperationParam(name = "filter") StringType filter, @OperationParam(name = "count") IntegerType count,
                           @OperationParam(name = "offset") IntegerType offset) {
        ValueSet target = valueSet(url, valueSet, "$expand");
        int wanted = count == null || count.getValue() == null ? MAX_EXPANSION : count.getValue();
        int skipped = offset == null || offset.getValue() == null ? 0 : offset.getValue();
        if (wanted < 0 || skipped < 0) {
            throw badRequest("count and offset must not be negative", wanted < 0 ? "count" : "offset");
        }
        IValidationSupport chain = support.get();
        // expanded whole, then filtered and paged here: the in-memory expansion ignores the filter
        IValidationSupport.ValueSetExpansionOutcome outcome = chain.expandValueSet(new ValidationSupportContext(chain),
                new ValueSetExpansionOptions().setCount(MAX_EXPANSION), target);
        if (outcome == null || outcome.getValueSet() == null) {
            throw badRequest("ValueSet " + target.getUrl() + " cannot be expanded here"
                    + (outcome != null && outcome.getError() != null ? ": " + outcome.getError() : ""), "url");
        }
        ValueSet expanded = (ValueSet) outcome.getValueSet();
        List<ValueSet.ValueSetExpansionContainsComponent> matching = expanded.getExpansion().getContains().stream()
                .filter(c -> filter == null || matches(c, filter.getValue())).toList();
        ValueSet.ValueSetExpansionComponent expansion = expanded.getExpansion();
        expansion.setTotal(matching.size()).setOffset(skipped);
        expansion.setContains(new java.util.ArrayList<>(matching.subList(Math.min(skipped, matching.size()),
                Math.min(matching.size(), skipped + Math.min(wanted, MAX_EXPANSION)))));
        if (filter != null) {
            expansion.addParameter().setName("filter").setValue(new StringType(filter.getValue()));
        }
        // what R4 requires of an expansion (status, timestamp), and which ValueSet it expands
        expanded.setUrl(target.getUrl()).setVersion(target.getVersion()).setName(target.getName()).setStatus(target.hasStatus()
                ? target.getStatus() : org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
        expansion.setTimestamp(new java.util.Date());
        if (!expansion.hasIdentifier()) {
            expansion.setIdentifier("urn:uuid:" + java.util.UUID.randomUUID());
        }
        return expanded;
    }

    /** $expand's filter: every word of the filter starts a word of the display (accents and case ignored), or equals the code. */
    static boolean matches(ValueSet.ValueSetExpansionContainsComponent concept, String filter) {
        if (filter == null || filter.isBlank() || filter.equalsIgnoreCase(concept.getCode())) {
            return true;
        }
        List<String> words = List.of(fold(concept.getDisplay()).split("[^\\p{Alnum}]+"));
        for (String wanted : fold(filter).split("[^\\p{Alnum}]+")) {
            if (!wanted.isEmpty() && words.stream().noneMatch(w -> w.startsWith(wanted))) {
                return false;
            }
        }
        return true;
    }

    private static String fold(String text) {
        return text == null ? "" : java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "").toLowerCase(java.util.Locale.ROOT);
    }

    private ValueSet valueSet(UriType url, ValueSet inline, String operation) {
        if (inline != null) {
            return inline;
        }
        if (url == null || url.getValue() == null) {
            throw badRequest(operation + " needs the url of a ValueSet (or a valueSet parameter)", "url");
        }
        IValidationSupport chain = support.get();
        ValueSet known = (ValueSet) chain.fetchValueSet(url.getValue());
        if (known == null) {
            throw notFound("ValueSet " + url.getValue() + " is not known to this server");
        }
        return known;
    }

    private static Coding coding(CodeType code, UriType system, Coding coding, String operation) {
        if (coding != null) {
            if (!coding.hasSystem() || !coding.hasCode()) {
                throw badRequest(operation + ": coding needs a system and a code", "coding");
            }
            return coding;
        }
        if (code == null || code.getValue() == null || system == null || system.getValue() == null) {
            throw badRequest(operation + " needs code and system (or coding)", code == null ? "code" : "system");
        }
        return new Coding(system.getValue(), code.getValue(), null);
    }

    private static List<Coding> codings(CodeType code, UriType system, Coding coding, CodeableConcept concept) {
        if (concept != null && concept.hasCoding()) {
            return concept.getCoding();
        }
        return List.of(coding(code, system, coding, "$validate-code"));
    }

    private static Parameters result(IValidationSupport.CodeValidationResult found, Coding asked) {
        Parameters parameters = new Parameters();
        boolean ok = found != null && found.isOk();
        parameters.addParameter().setName("result").setValue(new BooleanType(ok));
        String message = found == null ? "Code " + asked.getCode() + " was not found in " + asked.getSystem() : found.getMessage();
        if (message != null) {
            parameters.addParameter().setName("message").setValue(new StringType(message));
        }
        if (found != null && found.getDisplay() != null) {
            parameters.addParameter().setName("display").setValue(new StringType(found.getDisplay()));
        }
        return parameters;
    }
}
