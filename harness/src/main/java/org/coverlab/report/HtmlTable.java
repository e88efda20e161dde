package org.coverlab.report;

import java.util.List;

/** A table as the page template renders it: display strings only (the template escapes them). */
public record HtmlTable(List<Header> headers, List<Row> rows) {

    /** A column heading; {@code note} (may be null) becomes its tooltip, {@code css} its class. */
    public record Header(String text, String note, String css) {}

    public record Row(List<Cell> cells) {}

    public record Cell(String text, String css) {}

    public boolean empty() {
        return rows.isEmpty();
    }
}
