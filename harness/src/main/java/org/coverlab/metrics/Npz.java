package org.coverlab.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * numpy's {@code .npz}: a zip archive with one {@code NAME.npy} file per array (stored or deflated, as
 * {@code np.savez} / {@code np.savez_compressed} write them). Reads little-endian float32/float64 arrays in C or
 * Fortran order; writes version 1.0 {@code .npy} entries in C order, deflated. Every problem names the file.
 */
public final class Npz {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    /** All arrays of the archive by name (without {@code .npy}), in archive order. */
    public static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(raw)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new MetricsException(file + ": entry '" + name + "' is not a .npy array; not a numpy .npz file");
                }
                out.put(name.substring(0, name.length() - 4), readNpy(file, name, zip.readAllBytes()));
            }
        } catch (NoSuchFileException e) {
            throw new MetricsException(file + ": no such file");
        } catch (ZipException e) {
            throw new MetricsException(file + ": not a numpy .npz file (not a readable zip archive: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new MetricsException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new MetricsException(file + ": not a numpy .npz file (no arrays in it)");
        }
        return out;
    }

    /** Names of the arrays in an archive, without decoding them (a cheap check before a run starts). */
    public static java.util.Set<String> names(Path file) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".npy"))
                    .forEach(n -> names.add(n.substring(0, n.length() - 4)));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new MetricsException(file + ": no such file");
        } catch (IOException e) {
            throw new MetricsException(file + ": not a numpy .npz file (" + e.getMessage() + ")", e);
        }
        return names;
    }

    /** Writes the arrays atomically enough for callers that write to a temp file and rename (see AtomicFiles). */
    public static void write(OutputStream out, Map<String, NpyArray> arrays) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setLevel(1); // covariances compress little; level 1 is several times faster than the default
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
            entry.setTime(0); // same arrays, same bytes
            zip.putNextEntry(entry);
            zip.write(npy(e.getValue()));
            zip.closeEntry();
        }
        zip.finish();
    }

    public static byte[] toBytes(Map<String, NpyArray> arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, arrays);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One {@code .npy} file, format version 1.0, little-endian, C order. */
    static byte[] npy(NpyArray a) {
        StringBuilder shape = new StringBuilder("(");
        long[] s = a.shape();
        for (int i = 0; i < s.length; i++) {
            shape.append(s[i]).append(s.length == 1 ? "," : i < s.length - 1 ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + (a.float32() ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // magic(6) + version(2) + length(2) + header, padded with spaces to a multiple of 64 and ended by '\n'
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int width = a.float32() ? 4 : 8;
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + a.data().length * width).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        for (double v : a.data()) {
            if (a.float32()) {
                buf.putFloat((float) v);
            } else {
                buf.putDouble(v);
            }
        }
        return buf.array();
    }

    static NpyArray readNpy(Path file, String entry, byte[] bytes) {
        String where = file + " (" + entry + ")";
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new MetricsException(where + ": not a .npy array (no \\x93NUMPY magic)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6] & 0xff;
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new MetricsException(where + ": truncated .npy header");
            }
            headerLen = buf.getInt(8);
            start = 12;
        } else {
            throw new MetricsException(where + ": unsupported .npy format version " + major);
        }
        if (headerLen < 0 || start + headerLen > bytes.length) {
            throw new MetricsException(where + ": truncated .npy header");
        }
        String header = new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, where, "descr");
        boolean fortran = group(FORTRAN, header, where, "fortran_order").equals("True");
        String shapeText = group(SHAPE, header, where, "shape").trim();
        long[] shape = parseShape(shapeText, where);
        boolean f32;
        switch (descr) {
            case "<f4", "=f4", "f4" -> f32 = true;
            case "<f8", "=f8", "f8" -> f32 = false;
            default -> throw new MetricsException(where + ": dtype '" + descr
                    + "' is not supported; expected little-endian float32 ('<f4') or float64 ('<f8')");
        }
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        int width = f32 ? 4 : 8;
        int dataStart = start + headerLen;
        if ((long) bytes.length - dataStart != count * width) {
            throw new MetricsException(where + ": shape " + shapeText + " of " + descr + " needs " + count * width
                    + " bytes of data, the entry has " + (bytes.length - dataStart));
        }
        double[] data = new double[(int) count];
        buf.position(dataStart);
        for (int i = 0; i < count; i++) {
            data[i] = f32 ? buf.getFloat() : buf.getDouble();
        }
        if (fortran && shape.length > 1) {
            data = fortranToC(data, shape);
        }
        return new NpyArray(shape, data, f32);
    }

    private static String group(Pattern p, String header, String where, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new MetricsException(where + ": .npy header has no readable '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String text, String where) {
        if (text.isEmpty()) {
            return new long[0];
        }
        String[] parts = text.split(",");
        int n = 0;
        long[] dims = new long[parts.length];
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims[n++] = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new MetricsException(where + ": bad shape (" + text + ")");
            }
        }
        return java.util.Arrays.copyOf(dims, n);
    }

    /** Fortran (column-major) order to C order: element (i0, i1, ...) moves to its row-major position. */
    private static double[] fortranToC(double[] f, long[] shape) {
        int rank = shape.length;
        double[] c = new double[f.length];
        int[] idx = new int[rank];
        for (int cPos = 0; cPos < c.length; cPos++) {
            int fPos = 0;
            int stride = 1;
            for (int k = 0; k < rank; k++) {
                fPos += idx[k] * stride;
                stride *= (int) shape[k];
            }
            c[cPos] = f[fPos];
            for (int k = rank - 1; k >= 0; k--) {
                if (++idx[k] < shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return c;
    }
}
