package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.coverlab.spec.TrackingSpec;
import org.junit.jupiter.api.Test;

class MlflowEndpointTest {

    private static TrackingSpec tracking(String uri) {
        return new TrackingSpec(List.of(TrackingSpec.Backend.MLFLOW), "covers", "", uri, TrackingSpec.Resume.ALLOW, 30, true);
    }

    @Test
    void specUriWinsOverTheEnvironmentAndLosesItsTrailingSlash() {
        MlflowEndpoint e = MlflowEndpoint.of(tracking("http://mlflow.lab:5000/"),
                Map.of(MlflowEndpoint.TRACKING_URI_ENV, "http://other:1"));
        assertEquals("http://mlflow.lab:5000", e.trackingUri().toString());
        assertEquals("covers", e.experiment());
    }

    @Test
    void environmentUriIsUsedWhenTheSpecHasNone() {
        MlflowEndpoint e = MlflowEndpoint.of(tracking(""), Map.of(MlflowEndpoint.TRACKING_URI_ENV, "https://ml.example/mlflow"));
        assertEquals("https://ml.example/mlflow", e.trackingUri().toString());
    }

    @Test
    void missingUriNamesTheSpecKeyAndTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MlflowEndpoint.of(tracking(""), Map.of()));
        assertTrue(e.getMessage().startsWith("tracking.tracking_uri:"), e.getMessage());
        assertTrue(e.getMessage().contains("MLFLOW_TRACKING_URI"), e.getMessage());
    }

    @Test
    void malformedOrNonHttpUrisAreRejectedNamingTheKey() {
        for (String bad : List.of("not a uri", "file:///tmp/mlruns", "databricks", "ftp://host/x", "http://", "127.0.0.1:5000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MlflowEndpoint.of(tracking(bad), Map.of()), bad);
            assertTrue(e.getMessage().startsWith("tracking.tracking_uri:"), e.getMessage());
        }
    }

    @Test
    void credentialsInTheUriAreRefusedWithoutQuotingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MlflowEndpoint.of(tracking("http://ann:s3cret@mlflow:5000"), Map.of()));
        assertTrue(e.getMessage().contains("MLFLOW_TRACKING_USERNAME"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void emptyExperimentNameIsRejected() {
        TrackingSpec t = new TrackingSpec(List.of(TrackingSpec.Backend.MLFLOW), " ", "", "http://h:1", TrackingSpec.Resume.ALLOW, 30, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MlflowEndpoint.of(t, Map.of()));
        assertTrue(e.getMessage().startsWith("tracking.project:"), e.getMessage());
    }
}
