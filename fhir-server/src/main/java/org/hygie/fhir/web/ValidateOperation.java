package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notSupported;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hygie.fhir.error.FhirErrors;
import org.hygie.fhir.validation.Validation;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * {@code [type]/$validate} and {@code [type]/[id]/$validate}: the issues a write of the resource would meet
 * (and those of the {@code profile} asked for), always as a 200 OperationOutcome. Handled before HAPI parses
 * the body: the resource is validated as sent, so a value the parser would refuse (a code outside its value
 * set, a malformed date) is an issue of the outcome, which is what a tester asks $validate for.
 */
@Interceptor
public final class ValidateOperation {
    private final FhirContext fhirContext;
    private final Validation validation;

    public ValidateOperation(FhirContext fhirContext, Validation validation) {
        this.fhirContext = fhirContext;
        this.validation = validation;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
    public boolean handle(RequestDetails request, HttpServletRequest servletRequest, HttpServletResponse response) throws IOException {
        if (!"$validate".equals(request.getOperation()) || request.getResourceName() == null) {
            return true;
        }
        if (!"POST".equals(servletRequest.getMethod())) {
            throw ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException.newInstance(405, "$validate takes the resource to check"
                    + " in a POST body");
        }
        String mode = RequestParams.first(request, "mode");
        if ("delete".equals(mode)) {
            throw notSupported("$validate with mode=delete is not supported: deleting is checked when it is asked for", "mode");
        }
        String type = request.getResourceName();
        byte[] body = request.loadRequestContents();
        String contentType = servletRequest.getContentType();
        EncodingEnum encoding = contentType == null ? EncodingEnum.JSON : EncodingEnum.forContentType(contentType);
        RawResource raw = RawResource.of(body == null ? null : new String(body, StandardCharsets.UTF_8),
                encoding == null ? EncodingEnum.JSON : encoding);
        if (!raw.type().equals(type)) {
            throw badRequest(type + "/$validate was given a " + raw.type(), "resource");
        }
        String profile = RequestParams.first(request, "profile");
        OperationOutcome outcome = validation.validator().validate(raw.type(), raw.json(), raw.profiles(), profile);
        if (profile != null && !validation.validator().knows(profile)) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.NOTSUPPORTED)
                    .setDiagnostics("Profile " + profile + " is not known to this server").addExpression("profile");
        }
        if (outcome.getIssue().isEmpty()) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics("No issues detected");
        }
        FhirErrors.send(response, fhirContext, 200, outcome);
        return false;
    }
}
