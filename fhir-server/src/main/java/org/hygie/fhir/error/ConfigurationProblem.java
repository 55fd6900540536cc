package org.hygie.fhir.error;

/**
 * A setting the server or a command cannot run with. Its message says what is wrong and how to fix it,
 * and is printed as one line at startup, without a stack trace ({@code config.StartupFailureReporting}).
 */
public class ConfigurationProblem extends IllegalStateException {
    public ConfigurationProblem(String message) {
        super(message);
    }

    public ConfigurationProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
