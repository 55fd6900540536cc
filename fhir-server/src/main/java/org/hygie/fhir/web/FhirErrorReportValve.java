package org.hygie.fhir.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * What Tomcat answers itself, before any servlet (a request line or headers too large, a malformed request):
 * an OperationOutcome in JSON, not Tomcat's HTML page, so every client error of this server says what is
 * wrong the FHIR way. Installed as the host's error report valve.
 */
public final class FhirErrorReportValve extends ErrorReportValve {
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String reason = status == 400 ? "the request line, its headers or its URL could not be read (too large or malformed)"
                : status == 413 ? "the request is too large" : status == 414 ? "the URL is too long" : "the request was refused";
        String code = status == 413 || status == 414 ? "too-costly" : status >= 500 ? "exception" : "invalid";
        try {
            response.setContentType("application/fhir+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
                        + "\",\"diagnostics\":\"HTTP " + status + ": " + reason + "\"}]}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone: nothing more to say
        }
    }

}
