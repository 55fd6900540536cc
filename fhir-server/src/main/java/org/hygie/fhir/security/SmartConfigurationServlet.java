package org.hygie.fhir.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code [base]/.well-known/smart-configuration}: what a SMART client needs to find the authorization
 * server. Hygie is a resource server only: the endpoints are the configured authorization server's
 * ({@code hygie.security.smart.*}); the capabilities list what Hygie enforces.
 */
public final class SmartConfigurationServlet extends HttpServlet {
    private final byte[] body;

    public SmartConfigurationServlet(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (issuer != null) {
            config.put("issuer", issuer);
        }
        if (jwksUri != null) {
            config.put("jwks_uri", jwksUri);
        }
        if (authorizationEndpoint != null) {
            config.put("authorization_endpoint", authorizationEndpoint);
        }
        if (tokenEndpoint != null) {
            config.put("token_endpoint", tokenEndpoint);
        }
        config.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
        config.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_basic"));
        config.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        config.put("scopes_supported", List.of("openid", "fhirUser", "launch/patient", "offline_access",
                "patient/*.cruds", "user/*.cruds", "system/*.rs", "patient/Appointment.crus", "patient/Slot.rs",
                "user/Appointment.cruds", "user/Slot.cruds", "system/Appointment.rs", "system/Slot.rs"));
        config.put("response_types_supported", List.of("code"));
        config.put("code_challenge_methods_supported", List.of("S256"));
        config.put("capabilities", List.of("launch-standalone", "client-public", "client-confidential-symmetric",
                "client-confidential-asymmetric", "context-standalone-patient", "sso-openid-connect",
                "permission-patient", "permission-user", "permission-v1", "permission-v2"));
        try {
            this.body = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.getOutputStream().write(body);
    }
}
