/**
 * The MLflow remote sink: {@link org.coverlab.track.mlflow.MlflowSink} mirrors a run's journal into an MLflow tracking
 * server. Tracking calls go through the official Java client ({@code org.mlflow:mlflow-client}) with its built-in
 * retries turned off (the journal sender owns retries); artifacts go through the server's {@code mlflow-artifacts}
 * REST proxy with OkHttp, because the Java client's artifact methods start a Python process.
 *
 * <p>Configuration: {@link org.coverlab.track.mlflow.MlflowEndpoint} (tracking URI and experiment from the spec's
 * tracking section, credentials from MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN). TLS uses the JVM's
 * trust store; MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH are not read.
 */
package org.coverlab.track.mlflow;
