package org.coverlab.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PythonJsonTest {

    /** Configs must diff cleanly against diffusers' own files, so floats print as Python's repr does. */
    @Test
    void floatsPrintAsPythonRepr() {
        assertEquals("1e-05", PythonJson.pythonFloat(1e-5));
        assertEquals("1e-06", PythonJson.pythonFloat(1e-6));
        assertEquals("0.0001", PythonJson.pythonFloat(1e-4));
        assertEquals("0.18215", PythonJson.pythonFloat(0.18215));
        assertEquals("0.00085", PythonJson.pythonFloat(0.00085));
        assertEquals("1.0", PythonJson.pythonFloat(1.0));
        assertEquals("-2.5", PythonJson.pythonFloat(-2.5));
        assertEquals("1e+16", PythonJson.pythonFloat(1e16));
        assertEquals("123456789012345.0", PythonJson.pythonFloat(123456789012345.0));
        assertEquals("2.5e-07", PythonJson.pythonFloat(2.5e-7));
    }

    @Test
    void nestedStructuresUseTwoSpaceIndentSortedKeysAndAsciiEscapes() throws Exception {
        String json = "{\"b\": [1, 2.0, {}], \"a\": {\"z\": null, \"y\": \"caf\\u00e9\"}, \"c\": []}";
        assertEquals("{\n  \"a\": {\n    \"y\": \"caf\\u00e9\",\n    \"z\": null\n  },\n  \"b\": [\n    1,\n    2.0,\n"
                + "    {}\n  ],\n  \"c\": []\n}\n", PythonJson.write(ConfigJson.MAPPER.readTree(json)));
    }
}
