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
import org.hygie.fhir.types.ResourceTypes;
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
    private static final List<TypeRestfulInteraction> READS = List.of(TypeRestfulInteraction.READ, TypeRestfulInteraction.VREAD,
            TypeRestfulInteraction.HISTORYINSTANCE, TypeRestfulInteraction.HISTORYTYPE, TypeRestfulInteraction.SEARCHTYPE);
    private static final List<TypeRestfulInteraction> WRITES = List.of(TypeRestfulInteraction.CREATE, TypeRestfulInteraction.UPDATE,
            TypeRestfulInteraction.PATCH);
    private static final String SMART_EXTENSION = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

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
    private final org.hygie.fhir.config.HygieProperties.Security security;
    private final java.util.function.Function<org.hl7.fhir.instance.model.api.IIdType, org.hl7.fhir.instance.model.api.IBaseResource> operationDefinitions;
    private final Date started = new Date();

    /**
     * @param profiles the implementation guide's profiles by type, the one every resource of the type obeys first
     * @param security where tokens come from (published in rest.security)
     * @param operationDefinitions reads OperationDefinitions (HAPI sends them to this provider)
     */
    public CapabilityStatementProvider(SearchParameterRegistry registry, List<DeclaredOperation> operations,
                                       java.util.Map<String, List<String>> profiles, boolean encrypted, String version,
                                       org.hygie.fhir.config.HygieProperties.Security security,
                                       java.util.function.Function<org.hl7.fhir.instance.model.api.IIdType, org.hl7.fhir.instance.model.api.IBaseResource>
                                               operationDefinitions) {
        this.operationDefinitions = operationDefinitions;
        this.registry = registry;
        this.profiles = profiles;
        this.operations = operations;
        this.encrypted = encrypted;
        this.version = version;
        this.security = security;
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
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.SEARCHSYSTEM)
                .setDocumentation("[base]?_type=... with the parameters every type has (_id, _lastUpdated, _tag, _profile, _security, _source)");
        rest.setSecurity(security());
        rest.addCompartment("http://hl7.org/fhir/CompartmentDefinition/patient");
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

    /**
     * Bearer tokens (SMART App Launch 2.0 scopes and Backend Services), and the authorization server's
     * endpoints when they are configured; the public directory needs none.
     */
    private CapabilityStatement.CapabilityStatementRestSecurityComponent security() {
        var s = new CapabilityStatement.CapabilityStatementRestSecurityComponent();
        s.setCors(!security.corsAllowedOrigins().isEmpty());
        s.addService().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service").setCode("SMART-on-FHIR")
                .setDisplay("SMART-on-FHIR");
        s.setDescription("OAuth 2.0 bearer tokens (JWT) with SMART v2 scopes (patient/, user/, system/), from the issuers this server"
                + " trusts; discovery at [base]/.well-known/smart-configuration. The public directory (practitioners, places,"
                + " schedules, free slots) and the published definitions are readable without a token.");
        var smart = security.smart();
        if (smart.tokenEndpoint() != null || smart.authorizationEndpoint() != null) {
            var uris = s.addExtension().setUrl(SMART_EXTENSION);
            if (smart.tokenEndpoint() != null) {
                uris.addExtension("token", new org.hl7.fhir.r4.model.UriType(smart.tokenEndpoint()));
            }
            if (smart.authorizationEndpoint() != null) {
                uris.addExtension("authorize", new org.hl7.fhir.r4.model.UriType(smart.authorizationEndpoint()));
            }
        }
        return s;
    }

    private CapabilityStatementRestResourceComponent resource(String type) {
        CapabilityStatementRestResourceComponent r = new CapabilityStatementRestResourceComponent().setType(type);
        List<String> typeProfiles = profiles.getOrDefault(type, List.of());
        // the profile every resource of the type is validated against; the others are checked when claimed in meta.profile
        boolean ownFirst = !typeProfiles.isEmpty() && typeProfiles.get(0).startsWith(org.hygie.fhir.types.Canonicals.base() + "/");
        r.setProfile(ownFirst ? typeProfiles.get(0) : "http://hl7.org/fhir/StructureDefinition/" + type);
        typeProfiles.forEach(r::addSupportedProfile);
        boolean writable = ResourceTypes.clientWritable(type);
        for (TypeRestfulInteraction interaction : interactions(type)) {
            r.addInteraction().setCode(interaction);
        }
        if (!writable) {
            r.setDocumentation(type.equals("AuditEvent") ? "Written by the server for every access to patient data; read-only"
                    : "Published by the server from its implementation guide and terminology; read-only");
        }
        r.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE)
                .setReadHistory(true)
                .setUpdateCreate(writable)
                .setConditionalCreate(writable)
                .setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTSUPPORTED)
                .setConditionalUpdate(writable)
                .setConditionalDelete(ResourceTypes.deletable(type) ? CapabilityStatement.ConditionalDeleteStatus.SINGLE
                        : CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        includes(type, r);
        r.addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LITERAL)
                .addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LOCAL)
                .addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.ENFORCED);
        for (SearchParam p : registry.forType(type)) {
            var declared = r.addSearchParam().setName(p.name()).setDefinition(p.definition())
                    .setType(Enumerations.SearchParamType.fromCode(p.type().getCode()));
            if (encrypted && SensitivityPolicy.isMixed(p)) {
                declared.setDocumentation("When the value points to a Patient, RelatedPerson or Group: " + PROTECTED);
            } else if (encrypted && SensitivityPolicy.isProtected(p)) {
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

    /** What a client may do with the type: everything for the data clients write, reads only for what the server writes. */
    static List<TypeRestfulInteraction> interactions(String type) {
        List<TypeRestfulInteraction> all = new java.util.ArrayList<>(READS);
        if (ResourceTypes.clientWritable(type)) {
            all.addAll(WRITES);
        }
        if (ResourceTypes.deletable(type)) {
            all.add(TypeRestfulInteraction.DELETE);
        }
        return all;
    }

    /** _include: the type's reference parameters (and *); _revinclude: every reference parameter that may point to it. */
    private void includes(String type, CapabilityStatementRestResourceComponent r) {
        r.addSearchInclude("*");
        for (SearchParam p : registry.forType(type)) {
            if (p.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE) {
                r.addSearchInclude(type + ":" + p.name());
            }
        }
        for (String source : registry.resourceTypes()) {
            for (SearchParam p : registry.forType(source)) {
                if (p.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE && (p.targets().isEmpty() || p.targets().contains(type))) {
                    r.addSearchRevInclude(source + ":" + p.name());
                }
            }
        }
    }

    /**
     * HAPI routes OperationDefinition reads to the conformance provider: they are answered from the store,
     * where the implementation guide's OperationDefinitions are published like any resource.
     */
    @Override
    @ca.uhn.fhir.rest.annotation.Read(typeName = "OperationDefinition", version = true)
    public org.hl7.fhir.instance.model.api.IBaseResource readOperationDefinition(@ca.uhn.fhir.rest.annotation.IdParam
            org.hl7.fhir.instance.model.api.IIdType id, RequestDetails request) {
        return operationDefinitions.apply(id);
    }

    @Override
    public void setRestfulServer(RestfulServer server) {
        // everything comes from the registry
    }
}
