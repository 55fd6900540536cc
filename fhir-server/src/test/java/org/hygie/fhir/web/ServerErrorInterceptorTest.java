package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.sql.SQLException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

/** What a statement cut by hygie.database.statement-timeout answers: a 400 too-costly, not "database unavailable". */
class ServerErrorInterceptorTest {

    @Test
    void aCancelledStatementIsTooCostly() {
        for (Throwable cancelled : new Throwable[] {new QueryTimeoutException("timeout"),
                new RuntimeException(new SQLException("canceling statement due to statement timeout", "57014"))}) {
            BaseServerResponseException answer = new ServerErrorInterceptor().replace(null, cancelled, null, null);
            assertThat(answer.getStatusCode()).isEqualTo(400);
            OperationOutcome outcome = (OperationOutcome) answer.getOperationOutcome();
            assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
            assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("hygie.database.statement-timeout");
        }
    }
}
