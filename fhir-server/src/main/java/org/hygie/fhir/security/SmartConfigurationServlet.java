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
 * ({@code hygie.security.smart.*}); the capabilities list what Hygie enforces, and what the authorization
 * server offers only when its endpoints are configured (no launch advertised without an authorization endpoint).
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
        // what Hygie enforces, whoever issues the tokens
        List<String> capabilities = new java.util.ArrayList<>(List.of("permission-patient", "permission-user", "permission-v1",
                "permission-v2"));
        List<String> grants = new java.util.ArrayList<>();
        // what the authorization server offers: advertised only when it is configured (SMART App Launch 2.0)
        boolean userLaunch = authorizationEndpoint != null && tokenEndpoint != null;
        if (userLaunch) {
            grants.add("authorization_code");
            capabilities.addAll(List.of("launch-standalone", "context-standalone-patient", "client-public",
                    "client-confidential-symmetric"));
            if (issuer != null) {
                capabilities.add("sso-openid-connect");
            }
            config.put("response_types_supported", List.of("code"));
            config.put("code_challenge_methods_supported", List.of("S256"));
        }
        if (tokenEndpoint != null) {
            grants.add("client_credentials");
            capabilities.add("client-confidential-asymmetric");
            config.put("token_endpoint_auth_methods_supported", userLaunch ? List.of("private_key_jwt", "client_secret_basic")
                    : List.of("private_key_jwt"));
            config.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        }
        config.put("grant_types_supported", grants);
        config.put("scopes_supported", List.of("openid", "fhirUser", "launch/patient", "offline_access",
                "patient/*.cruds", "user/*.cruds", "system/*.rs", "patient/Appointment.crus", "patient/Slot.rs",
                "user/Appointment.cruds", "user/Slot.cruds", "system/Appointment.rs", "system/Slot.rs"));
        config.put("capabilities", capabilities);
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
