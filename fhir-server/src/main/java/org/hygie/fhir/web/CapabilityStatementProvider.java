package org.hygie.fhir.web;

import ca.uhn.fhir.rest.annotation.Metadata;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IServerConformanceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Date;
import java.util.List;
import org.hygie.fhir.crypto.SensitivityPolicy;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * The CapabilityStatement, generated from what is registered: the resource types served, the interactions
 * their provider implements and exactly the search parameters the registry indexes.
 */
public class CapabilityStatementProvider implements IServerConformanceProvider<CapabilityStatement> {
    private static final TypeRestfulInteraction[] INTERACTIONS = {
        TypeRestfulInteraction.READ, TypeRestfulInteraction.VREAD, TypeRestfulInteraction.UPDATE,
        TypeRestfulInteraction.PATCH, TypeRestfulInteraction.DELETE, TypeRestfulInteraction.HISTORYINSTANCE,
        TypeRestfulInteraction.HISTORYTYPE, TypeRestfulInteraction.CREATE, TypeRestfulInteraction.SEARCHTYPE};

    private static final String PROTECTED = "Protected value (kept only as a keyed digest): answers equality, string"
            + " prefix and :exact, token code and system|code, dates eq at year, month or day precision, :missing and"
            + " :not; not :contains, date ranges or _sort.";

    /** An operation a provider serves, declared on its resource type (null: at system level). */
    public record DeclaredOperation(String type, String name, String definition) {}

    private final SearchParameterRegistry registry;
    private final List<DeclaredOperation> operations;
    private final java.util.Map<String, List<String>> profiles;
    private final boolean encrypted;
    private final String version;
    private final Date started = new Date();

    /** @param profiles the implementation guide's profiles by type, the one every resource of the type obeys first */
    public CapabilityStatementProvider(SearchParameterRegistry registry, List<DeclaredOperation> operations,
                                       java.util.Map<String, List<String>> profiles, boolean encrypted, String version) {
        this.registry = registry;
        this.profiles = profiles;
        this.operations = operations;
        this.encrypted = encrypted;
        this.version = version;
    }

    @Override
    @Metadata
    public CapabilityStatement getServerConformance(HttpServletRequest servletRequest, RequestDetails request) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setDate(started)
                .setPublisher("Hygie")
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1)
                .addFormat("application/fhir+json").addFormat("application/fhir+xml")
                .addPatchFormat("application/json-patch+json")
                .addPatchFormat("application/fhir+json").addPatchFormat("application/fhir+xml");
        cs.getSoftware().setName("Hygie").setVersion(version);
        cs.getImplementation().setDescription("Hygie FHIR R4 server").setUrl(request.getFhirServerBase());
        CapabilityStatementRestComponent rest = cs.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.HISTORYSYSTEM);
        for (String type : registry.resourceTypes()) {
            rest.addResource(resource(type));
        }
        for (DeclaredOperation op : operations) {
            if (op.type() == null) {
                rest.addOperation().setName(op.name()).setDefinition(op.definition());
            }
        }
        return cs;
    }

    private CapabilityStatementRestResourceComponent resource(String type) {
        CapabilityStatementRestResourceComponent r = new CapabilityStatementRestResourceComponent().setType(type);
        List<String> typeProfiles = profiles.getOrDefault(type, List.of());
        // the profile every resource of the type is validated against; the others are checked when claimed in meta.profile
        r.setProfile(typeProfiles.isEmpty() ? "http://hl7.org/fhir/StructureDefinition/" + type : typeProfiles.get(0));
        typeProfiles.forEach(r::addSupportedProfile);
        for (TypeRestfulInteraction interaction : INTERACTIONS) {
            r.addInteraction().setCode(interaction);
        }
        r.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE)
                .setReadHistory(true)
                .setUpdateCreate(true)
                .setConditionalCreate(true)
                .setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTSUPPORTED)
                .setConditionalUpdate(true)
                .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.SINGLE);
        r.addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LITERAL)
                .addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LOCAL)
                .addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.ENFORCED);
        for (SearchParam p : registry.forType(type)) {
            var declared = r.addSearchParam().setName(p.name()).setDefinition(p.definition())
                    .setType(Enumerations.SearchParamType.fromCode(p.type().getCode()));
            if (encrypted && SensitivityPolicy.isProtected(p)) {
                declared.setDocumentation(PROTECTED);
            }
        }
        r.addOperation().setName("validate").setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-validate");
        for (DeclaredOperation op : operations) {
            if (type.equals(op.type())) {
                r.addOperation().setName(op.name()).setDefinition(op.definition());
            }
        }
        return r;
    }

    @Override
    public void setRestfulServer(RestfulServer server) {
        // everything comes from the registry
    }
}
