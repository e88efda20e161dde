package org.coverlab.run;

import java.time.Clock;
import java.time.Duration;

/**
 * Progress of a long loop. On a terminal it redraws one bar line ({@code [train] [=====>    ] 120/400 30% 3.1 it/s
 * eta 1m30s loss=0.412}); otherwise (CI, a pipe, a log file) it logs a plain line every {@code interval}. Either way
 * run.log gets the periodic plain lines.
 */
public final class Progress implements AutoCloseable {

    /** How progress is shown on the console. */
    public enum Style {
        BAR, LINES
    }

    private static final int WIDTH = 30;

    private final RunLog log;
    private final Style style;
    private final Clock clock;
    private final long intervalMillis;
    private final String label;
    private final long total;
    private final long startDone;
    private final long startMillis;
    private long lastLineMillis;
    private long lastBarMillis;
    private long done;
    private String detail = "";

    Progress(RunLog log, Style style, Clock clock, Duration interval, String label, long total, long alreadyDone) {
        this.log = log;
        this.style = style;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
        this.label = label;
        this.total = total;
        this.startDone = alreadyDone;
        this.done = alreadyDone;
        this.startMillis = clock.millis();
        this.lastLineMillis = startMillis;
    }

    /** Records that {@code done} of {@code total} units are complete; {@code detail} is e.g. "loss=0.41". */
    public void update(long done, String detail) {
        this.done = done;
        this.detail = detail == null ? "" : detail;
        long now = clock.millis();
        boolean lineDue = now - lastLineMillis >= intervalMillis;
        if (style == Style.BAR && now - lastBarMillis >= 100) {
            log.consoleLine().redraw(bar(now));
            lastBarMillis = now;
        }
        if (lineDue) {
            if (style == Style.BAR) {
                log.fileOnly("{}", plain(now));
            } else {
                log.info("{}", plain(now));
            }
            lastLineMillis = now;
        }
    }

    /**
     * Work inside the current unit (e.g. a denoising step of a long grid row): {@code done} stays, the detail says
     * where it is, and the periodic line still comes at its interval however long one unit takes.
     */
    public void tick(String detail) {
        update(done, detail);
    }

    @Override
    public void close() {
        long now = clock.millis();
        if (style == Style.BAR) {
            log.consoleLine().redraw(bar(now));
            log.consoleLine().finish();
        }
        log.fileOnly("{}", plain(now));
    }

    String plain(long now) {
        return label + " " + done + "/" + total + " (" + percent() + "%) " + rateAndEta(now) + suffix();
    }

    String bar(long now) {
        int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, WIDTH * done / total);
        StringBuilder b = new StringBuilder("[").append(label).append("] [");
        for (int i = 0; i < WIDTH; i++) {
            b.append(i < filled ? '=' : (i == filled ? '>' : ' '));
        }
        return b.append("] ").append(done).append('/').append(total).append(' ').append(percent()).append("% ")
                .append(rateAndEta(now)).append(suffix()).toString();
    }

    private String suffix() {
        return detail.isEmpty() ? "" : " " + detail;
    }

    private long percent() {
        return total <= 0 ? 100 : 100 * done / total;
    }

    private String rateAndEta(long now) {
        double seconds = (now - startMillis) / 1000.0;
        long progressed = done - startDone;
        if (seconds <= 0 || progressed <= 0) {
            return "-- it/s";
        }
        double rate = progressed / seconds;
        long etaSeconds = Math.round((total - done) / rate);
        return String.format(java.util.Locale.ROOT, "%.1f it/s eta %s", rate, human(etaSeconds));
    }

    static String human(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format("%02d", (seconds % 3600) / 60) + "m";
    }
}
