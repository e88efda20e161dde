import java.nio.file.Path;
import org.coverlab.data.CoverDecoder;
import org.coverlab.data.DecodedImage;
import org.coverlab.data.ImagePreprocessor;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;

/**
 * Decode + resize of one cover to 64x96, three times, best time: {@code full} decodes every pixel (as before), {@code
 * subsampled} is what the training loader does now for images over 4 MP. Peak memory from /usr/bin/time:
 *
 *   CP=harness/target/coverlab-harness-0.1.0-SNAPSHOT.jar:$(cat harness/target/classpath.txt)
 *   /usr/bin/time -f "peak RSS %M KB" java -Xmx6g -cp "$CP" scripts/benchmarks/DecodeBench.java cover.jpg subsampled
 */
public class DecodeBench {
    public static void main(String[] a) {
        boolean full = a[1].equals("full");
        CoverDecoder d = full ? new CoverDecoder() : new CoverDecoder(64, 96);
        ImagePreprocessor p = new ImagePreprocessor(new Resolution(64, 96), DatasetSpec.Resize.CENTER_CROP);
        double best = 1e9;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            DecodedImage.Ok ok = (DecodedImage.Ok) d.decode(Path.of(a[0]));
            float[] x = p.apply(ok.rgb(), false);
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
            System.out.printf("%s: decoded %dx%d, resized to 64x96 in %.2f s (pixel0 %.3f)%n", a[1], ok.rgb().getWidth(), ok.rgb().getHeight(), (System.nanoTime() - t) / 1e9, x[0]);
        }
        System.out.printf("%s best %.2f s%n", a[1], best);
    }
}
