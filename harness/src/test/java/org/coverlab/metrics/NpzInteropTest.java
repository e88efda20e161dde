package org.coverlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statistics interchange with pytorch-fid both ways: numpy-stats.npz was written by np.savez_compressed (pytorch-fid's
 * --save-stats); java-stats.npz is what this writer produces, and interop.json is the distance pytorch-fid computed
 * after loading it (scripts/make_fid_vectors.py). Run with -Dcoverlab.writeVectors=true to rewrite java-stats.npz.
 */
class NpzInteropTest {

    private static ActivationStatistics full64b() {
        JsonNode c = FidVectors.vectors().get("frechet").get(0);
        assertEquals("full64", c.get("name").asText());
        return FidVectors.stats(FidVectors.featureSet("full64/b", c.get("n2").asInt(), 64, c.get("mix").asDouble(), 1.1, 0.05));
    }

    @Test
    void statisticsWrittenHereLoadInPytorchFidWithTheSameDistance(@TempDir Path tmp) throws Exception {
        Path committed = FidVectors.dir().resolve("java-stats.npz");
        ActivationStatistics b = full64b();
        Path written = tmp.resolve("java-stats.npz");
        b.write(written, false);
        if (Boolean.getBoolean("coverlab.writeVectors")) {
            Path source = Path.of("src/test/resources/conformance/fid/java-stats.npz");
            Files.copy(written, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        // the committed file pytorch-fid checked is byte for byte what the writer produces today
        assertArrayEquals(Files.readAllBytes(committed), Files.readAllBytes(written));
        JsonNode interop = new ObjectMapper().readTree(FidVectors.dir().resolve("interop.json").toFile());
        ActivationStatistics numpy = ActivationStatistics.read(FidVectors.dir().resolve("numpy-stats.npz"), 64);
        double expected = interop.get("java_vs_numpy_fid").asDouble();
        assertEquals(expected, FrechetDistance.of(ActivationStatistics.read(written, 64), numpy), 1e-6 * expected);
    }

    @Test
    void numpyWrittenStatisticsReadBackExactly() {
        ActivationStatistics numpy = ActivationStatistics.read(FidVectors.dir().resolve("numpy-stats.npz"), 0);
        JsonNode c = FidVectors.vectors().get("frechet").get(0);
        ActivationStatistics a = FidVectors.stats(FidVectors.featureSet("full64/a", c.get("n1").asInt(), 64, c.get("mix").asDouble(), 1.0, 0.0));
        assertEquals(64, numpy.dims());
        assertEquals(-1, numpy.count());
        assertArrayEquals(a.mu(), numpy.mu(), 1e-12);
        assertArrayEquals(a.sigma(), numpy.sigma(), 1e-12);
    }

    @Test
    void roundTripKeepsValuesFeaturesAndCount(@TempDir Path tmp) throws Exception {
        float[][] f = {{1f, 2f, 3f}, {0.5f, -1f, 2f}, {4f, 0f, 1f}};
        ActivationStatistics s = ActivationStatistics.of(f);
        Path file = tmp.resolve("s.npz");
        s.write(file, true);
        ActivationStatistics back = ActivationStatistics.read(file, 3);
        assertArrayEquals(s.mu(), back.mu());
        assertArrayEquals(s.sigma(), back.sigma());
        assertEquals(3, back.count());
        assertArrayEquals(f[2], back.features()[2]);
        assertTrue(Npz.names(file).containsAll(java.util.List.of("mu", "sigma", "features", "count")));
    }

    @Test
    void fortranOrderAndFloat32AreRead() {
        // 2x3 float32 in Fortran order: columns (1,4), (2,5), (3,6)
        String dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
        byte[] npy = npy(dict, new float[] {1, 4, 2, 5, 3, 6});
        NpyArray a = Npz.readNpy(Path.of("x.npz"), "a.npy", npy);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.data());
        assertTrue(a.float32());
    }

    @Test
    void wrongShapesAreRefusedNamingTheFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("bad.npz");
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("mu", NpyArray.of(new double[] {1, 2, 3}));
        arrays.put("sigma", NpyArray.of(new double[][] {{1, 0}, {0, 1}}));
        Files.write(file, Npz.toBytes(arrays));
        MetricsException e = assertThrows(MetricsException.class, () -> ActivationStatistics.read(file, 0));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("'sigma' has shape (2, 2)"),
                e.getMessage());
        MetricsException dims = assertThrows(MetricsException.class,
                () -> ActivationStatistics.read(FidVectors.dir().resolve("numpy-stats.npz"), 2048));
        assertTrue(dims.getMessage().contains("64-dimensional") && dims.getMessage().contains("2048"), dims.getMessage());
    }

    @Test
    void nanValuesAreRefusedWithTheirPosition(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("nan.npz");
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("mu", NpyArray.of(new double[] {1, 2}));
        arrays.put("sigma", NpyArray.of(new double[][] {{1, 0}, {Double.NaN, 1}}));
        Files.write(file, Npz.toBytes(arrays));
        MetricsException e = assertThrows(MetricsException.class, () -> ActivationStatistics.read(file, 2));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("[1, 0]"), e.getMessage());
    }

    @Test
    void filesThatAreNotNpzAreRefused(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("stats.npz");
        Files.writeString(text, "mu,sigma\n");
        MetricsException e = assertThrows(MetricsException.class, () -> ActivationStatistics.read(text, 0));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        Path missing = tmp.resolve("missing.npz");
        MetricsException m = assertThrows(MetricsException.class, () -> ActivationStatistics.read(missing, 0));
        assertTrue(m.getMessage().contains("no such file"), m.getMessage());
        Path other = tmp.resolve("other.npz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("mu.npy"));
            z.write(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new float[] {0, 0, 0, 0}));
            z.closeEntry();
        }
        Files.write(other, bytes.toByteArray());
        MetricsException dtype = assertThrows(MetricsException.class, () -> ActivationStatistics.read(other, 0));
        assertTrue(dtype.getMessage().contains("'<i8'"), dtype.getMessage());
        assertFalse(Files.exists(tmp.resolve(".stats.npz.tmp")));
    }

    private static byte[] npy(String dict, float[] values) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + values.length * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
