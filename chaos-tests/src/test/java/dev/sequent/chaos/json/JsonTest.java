package dev.sequent.chaos.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The small JSON codec: exact round trips of any string, and strict refusals with a position. */
class JsonTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "quote \" and backslash \\", "new\nline\r\ttab\b\f",
      "nul \u0000 and unit separator \u001f and delete \u007f", "Zürich € 東京 💸",
      "lone high \ud800 surrogate", "lone low \udc00 surrogate", "reversed \udc00\ud800 pair",
      "line\u2028and paragraph\u2029separators", "</script>{\"x\":1}", "\\u0041 is not A"})
  void everyStringSurvivesARoundTripExactlyAndTheTextHasNoRawControlCharacter(String text) {
    String json = Json.write(text);
    assertEquals(text, Json.parse(json));
    // codePoints() yields a lone surrogate as itself and a valid pair as one supplementary point.
    assertTrue(json.codePoints().allMatch(cp -> cp >= 0x20 && cp != 0x7f && cp != 0x2028
        && cp != 0x2029 && (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)),
        json);
  }

  @Test
  void aLongStringOfEveryCharUnitSurvives() {
    char[] all = new char[Character.MAX_VALUE + 1];
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      all[c] = (char) c;
    }
    String text = new String(all);
    assertEquals(text, Json.parse(Json.write(text)));
  }

  @Test
  void nestedValuesKeepTheirShapeAndOrder() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("z", List.of(1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE));
    value.put("a", Map.of("t", true));
    value.put("n", null);
    value.put("f", false);
    String json = Json.write(value);
    assertEquals("{\"z\":[1,-2,9223372036854775807,-9223372036854775808],\"a\":{\"t\":true},"
        + "\"n\":null,\"f\":false}", json);
    assertEquals(value, Json.parse(json));
    assertEquals(value, Json.parse(" \n{ \"z\" : [ 1 , -2 , 9223372036854775807 ,"
        + " -9223372036854775808 ] , \"a\" : { \"t\" : true } , \"n\" : null , \"f\" : false }\t"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "|at character 1: unexpected end of text",
      "{|at character 2: expected a string key",
      "{\"a\":1|at character 7: unexpected end of text, expected '}'",
      "{\"a\":1,\"a\":2}|at character 8: duplicate key \"a\"",
      "{\"a\":1} x|at character 9: unexpected text after the value",
      "[1.5]|at character 3: only integers",
      "[1e3]|at character 3: only integers",
      "[01]|at character 3: a number must not have a leading zero",
      "[-]|at character 3: expected a digit",
      "[99999999999999999999]|at character 2: the number does not fit in 64 bits",
      "[\"a\\x\"]|at character 5: invalid escape \\'x'",
      "[\"\\u12g4\"]|at character 7: invalid hex digit",
      "[\"abc|at character 6: unterminated string",
      "[tru]|at character 2: unexpected word, expected true",
      "[1 2]|at character 4: unexpected character '2', expected ']'",
      "{'a':1}|at character 2: expected a string key"})
  void malformedTextIsRefusedWithThePositionAndTheReason(String text, String message) {
    JsonException refused = assertThrows(JsonException.class,
        () -> Json.parse(text == null ? "" : text));
    assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
  }

  @Test
  void aRawControlCharacterInsideAStringIsRefused() {
    JsonException refused = assertThrows(JsonException.class, () -> Json.parse("[\"a\nb\"]"));
    assertEquals("at character 4: raw control character U+000A in a string",
        refused.getMessage());
  }

  @Test
  void nestingIsBoundedSoARunawayDocumentCannotOverflowTheStack() {
    char[] deep = new char[100_000];
    Arrays.fill(deep, '[');
    JsonException refused = assertThrows(JsonException.class,
        () -> Json.parse(new String(deep)));
    assertTrue(refused.getMessage().contains("nested deeper than 64"), refused.getMessage());
  }

  @Test
  void readingARecordDemandsEachFieldAndItsTypeAndRefusesUnknownFields() {
    JsonObject object = Json.parseObject("{\"n\":1,\"s\":\"x\",\"o\":{\"k\":\"LOW\"}}");
    assertEquals(1, object.intValue("n"));
    assertEquals("$.s: expected a number, found a string",
        assertThrows(JsonException.class, () -> object.longValue("s")).getMessage());
    assertEquals("$: missing field \"m\"",
        assertThrows(JsonException.class, () -> object.string("m")).getMessage());
    assertEquals("$: unknown field(s) [o, s], expected only [n]",
        assertThrows(JsonException.class, () -> object.allowOnly("n")).getMessage());
    assertEquals("$.o.k: unknown value \"LOW\", expected one of [high]",
        assertThrows(JsonException.class,
            () -> object.object("o").enumValue("k", Level.class)).getMessage());
  }

  private enum Level {
    HIGH
  }
}
