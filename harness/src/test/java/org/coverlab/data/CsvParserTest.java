package org.coverlab.data;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvParserTest {

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() {
        List<CsvRecord> rs = CsvParser.parseAll("a,\"b, \"\"c\"\"\nd\",e\r\nf,g,h\n");
        assertEquals(2, rs.size());
        assertEquals(List.of("a", "b, \"c\"\nd", "e"), rs.get(0).fields());
        assertEquals(List.of("f", "g", "h"), rs.get(1).fields());
        assertEquals(1, rs.get(0).line());
        assertEquals(3, rs.get(1).line(), "the second record starts after the embedded line break");
        assertTrue(rs.get(0).wellFormed());
    }

    @Test
    void emptyFieldsBlankLinesBomAndMissingFinalNewline() {
        List<CsvRecord> rs = CsvParser.parseAll("\uFEFFx,,z\n\n,\n\"\"\nlast,row");
        assertEquals(List.of("x", "", "z"), rs.get(0).fields());
        assertEquals(List.of("", ""), rs.get(1).fields());
        assertEquals(List.of(""), rs.get(2).fields(), "a quoted empty record is a record, not a blank line");
        assertEquals(List.of("last", "row"), rs.get(3).fields());
        assertEquals(4, rs.size());
    }

    @Test
    void strayAndUnterminatedQuotesAreKeptAndFlagged() {
        List<CsvRecord> rs = CsvParser.parseAll("ab\"c,d\n\"open,field\nnext");
        assertEquals(List.of("ab\"c", "d"), rs.get(0).fields());
        assertNotNull(rs.get(0).problem());
        assertEquals(1, rs.size() - 1);
        assertEquals(List.of("open,field\nnext"), rs.get(1).fields());
        assertTrue(rs.get(1).problem().contains("unterminated"));
    }

    @Test
    void writerQuotesOnlyWhatNeedsIt() {
        StringWriter out = new StringWriter();
        new CsvWriter(out).write(List.of("plain", "a,b", "say \"hi\"", "two\nlines", " padded", ""));
        assertEquals("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",\n", out.toString());
        assertNull(CsvParser.parseAll(out.toString()).get(0).problem());
    }
}
