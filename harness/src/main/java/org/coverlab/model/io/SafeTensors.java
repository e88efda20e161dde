package org.coverlab.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.coverlab.util.AtomicFiles;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw data).
 *
 * <p>Own implementation rather than DJL's NDList.decode because we need the header metadata, every dtype kept as
 * stored (fp16/bf16 checkpoints must save back unchanged), per-tensor memory mapping for multi-GB UNets, and
 * errors that name the file. The writer reproduces {@code safetensors.torch.save_file} byte for byte: tensors
 * ordered by dtype width then name, compact JSON with metadata first, header padded with spaces to 8 bytes.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {
    }

    /** Header of a safetensors file: metadata and tensor layout, data not yet read. */
    public record Header(Path file, Map<String, String> metadata, Map<String, Layout> tensors, long dataStart) {
    }

    /** Where one tensor lives inside the data section. */
    public record Layout(String name, TensorDType dtype, long[] shape, long begin, long end) {
    }

    public static Header readHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafeTensorsException(file, "too short to be a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new SafeTensorsException(file, "header length " + headerLen + " does not fit a file of "
                        + size + " bytes; not a safetensors file?");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String text = new String(headerBuf.array(), StandardCharsets.UTF_8);
            return parseHeader(file, text, 8 + headerLen, size - 8 - headerLen);
        } catch (NoSuchFileException e) {
            throw new SafeTensorsException(file, "file does not exist");
        } catch (IOException e) {
            throw new SafeTensorsException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Header parseHeader(Path file, String text, long dataStart, long dataLen) {
        JsonNode root;
        try {
            root = JSON.readTree(text.strip());
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(file, "header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Layout> tensors = new LinkedHashMap<>();
        List<Layout> byOffset = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            Layout layout = parseLayout(file, e.getKey(), e.getValue());
            tensors.put(layout.name(), layout);
            byOffset.add(layout);
        }
        byOffset.sort(Comparator.comparingLong(Layout::begin));
        long expected = 0;
        for (Layout l : byOffset) {
            if (l.begin() != expected) {
                throw new SafeTensorsException(file, "tensor '" + l.name() + "' starts at byte " + l.begin()
                        + " but the previous tensor ends at " + expected + " (overlap or gap in data section)");
            }
            expected = l.end();
        }
        if (expected != dataLen) {
            throw new SafeTensorsException(file, "tensors cover " + expected + " data bytes but the file holds "
                    + dataLen + " (truncated or corrupt file)");
        }
        return new Header(file, metadata, tensors, dataStart);
    }

    private static Layout parseLayout(Path file, String name, JsonNode node) {
        String where = "tensor '" + name + "'";
        TensorDType dtype = TensorDType.parse(node.path("dtype").asText(""));
        if (dtype == null) {
            throw new SafeTensorsException(file, where + " has unsupported dtype '" + node.path("dtype").asText()
                    + "' (expected one of " + Arrays.toString(TensorDType.values()) + ")");
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new SafeTensorsException(file, where + " needs 'shape' (array) and 'data_offsets' ([begin,end])");
        }
        long[] shape = new long[shapeNode.size()];
        long bytes = dtype.bytes();
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new SafeTensorsException(file, where + " has a negative or non-numeric dimension");
            }
            bytes *= shape[i];
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end - begin != bytes) {
            throw new SafeTensorsException(file, where + " " + dtype + Arrays.toString(shape) + " needs " + bytes
                    + " bytes but data_offsets are [" + begin + ", " + end + "]");
        }
        return new Layout(name, dtype, shape, begin, end);
    }

    /** Reads one tensor's bytes (memory mapped, little-endian). */
    public static ByteBuffer readData(Header header, Layout layout) {
        try (FileChannel ch = FileChannel.open(header.file(), StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + layout.begin(),
                    layout.end() - layout.begin()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new SafeTensorsException(header.file(), "cannot read tensor '" + layout.name() + "': "
                    + e.getMessage(), e);
        }
    }

    /** Reads every tensor of a (small) file, in header order. */
    public static List<TensorEntry> readAll(Path file) {
        Header header = readHeader(file);
        List<TensorEntry> out = new ArrayList<>();
        for (Layout l : header.tensors().values()) {
            out.add(new TensorEntry(l.name(), l.dtype(), l.shape(), readData(header, l)));
        }
        return out;
    }

    /** A tensor to be written: name, dtype, shape, and where its bytes come from when the writer reaches it. */
    public record PendingTensor(String name, TensorDType dtype, long[] shape, Supplier<ByteBuffer> data) {
        long byteSize() {
            long n = dtype.bytes();
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Writes tensors exactly as safetensors' reference writer lays them out. */
    public static void write(Path file, Map<String, String> metadata, List<TensorEntry> tensors) {
        List<PendingTensor> pending = new ArrayList<>();
        for (TensorEntry t : tensors) {
            pending.add(new PendingTensor(t.name(), t.dtype(), t.shape(), t::data));
        }
        writeStreaming(file, metadata, pending);
    }

    /**
     * Like {@link #write} but asks for each tensor's bytes only when it is written, so saving a multi-GB model
     * needs memory for one tensor at a time, not a second copy of the whole model.
     */
    public static void writeStreaming(Path file, Map<String, String> metadata, List<PendingTensor> tensors) {
        List<PendingTensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.<PendingTensor>comparingInt(t -> -t.dtype().writerRank())
                .thenComparing(PendingTensor::name, SafeTensors::compareUtf8));
        StringBuilder json = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                json.append(first ? "" : ",").append(quote(m.getKey())).append(':').append(quote(m.getValue()));
                first = false;
            }
            json.append('}');
        }
        long offset = 0;
        for (int i = 0; i < sorted.size(); i++) {
            PendingTensor t = sorted.get(i);
            if (i > 0 && t.name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException(file + ": tensor name '" + t.name() + "' given twice");
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(t.name())).append(":{\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
            long[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) {
                json.append(d > 0 ? "," : "").append(shape[d]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.byteSize()).append("]}");
            offset += t.byteSize();
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        byte[] headerPadded = Arrays.copyOf(header, padded);
        Arrays.fill(headerPadded, header.length, padded, (byte) ' ');
        try {
            AtomicFiles.write(file, out -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(headerPadded);
                byte[] chunk = new byte[1 << 16];
                for (PendingTensor t : sorted) {
                    ByteBuffer data = t.data().get().duplicate();
                    if (data.remaining() != t.byteSize()) {
                        throw new IllegalStateException("tensor '" + t.name() + "' produced " + data.remaining()
                                + " bytes, expected " + t.byteSize());
                    }
                    while (data.hasRemaining()) {
                        int n = Math.min(chunk.length, data.remaining());
                        data.get(chunk, 0, n);
                        out.write(chunk, 0, n);
                    }
                }
            });
        } catch (IOException e) {
            throw new SafeTensorsException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }
}
