package dev.sequent.chaos.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and parses JSON over plain Java values: {@code Map<String, ?>} (written in iteration
 * order), {@code List<?>}, {@code String}, integral numbers (parsed as {@code Long}), {@code
 * Boolean} and {@code null}.
 *
 * <p>Writing escapes every character JSON requires and also every unpaired UTF-16 surrogate, so
 * any Java string survives a round trip exactly, even through UTF-8 files. Parsing is strict:
 * the first problem throws {@link JsonException} naming the character position.
 */
public final class Json {
  /** Deepest nesting the parser accepts: our files nest four levels; this only stops runaways. */
  static final int DEPTH_MAX = 64;

  private Json() {}

  /** The value as compact JSON text (no spaces, no newline). */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 0);
    return out.toString();
  }

  /**
   * The value of a whole JSON text.
   *
   * @throws JsonException when the text is not one JSON value of the supported kinds
   */
  public static Object parse(String text) {
    return new Parser(text).document();
  }

  /** The text parsed as a JSON object, for readers of records. */
  public static JsonObject parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new JsonException("expected a JSON object, found " + typeOf(value));
    }
    return JsonObject.of(value, "$");
  }

  /** The JSON name of a parsed value's type, for messages. */
  static String typeOf(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof Map) {
      return "an object";
    } else if (value instanceof List) {
      return "an array";
    } else if (value instanceof String) {
      return "a string";
    } else if (value instanceof Long) {
      return "a number";
    } else if (value instanceof Boolean) {
      return "a boolean";
    }
    return value.getClass().getSimpleName();
  }

  private static void write(Object value, StringBuilder out, int depth) {
    if (depth > DEPTH_MAX) {
      throw new IllegalArgumentException("nested deeper than " + DEPTH_MAX);
    }
    if (value == null) {
      out.append("null");
    } else if (value instanceof String) {
      writeString((String) value, out);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map) {
      writeObject((Map<?, ?>) value, out, depth);
    } else if (value instanceof List) {
      out.append('[');
      String comma = "";
      for (Object element : (List<?>) value) {
        out.append(comma);
        write(element, out, depth + 1);
        comma = ",";
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName()
          + " as JSON: only maps, lists, strings, integers, booleans and null");
    }
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out, int depth) {
    out.append('{');
    String comma = "";
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String)) {
        throw new IllegalArgumentException("a JSON key must be a string, was " + entry.getKey());
      }
      out.append(comma);
      writeString((String) entry.getKey(), out);
      out.append(':');
      write(entry.getValue(), out, depth + 1);
      comma = ",";
    }
    out.append('}');
  }

  static void writeString(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || c == 0x7f || isLoneSurrogate(text, i)
              || c == '\u2028' || c == '\u2029') {
            // Control characters must be escaped; a lone surrogate would become '?' in UTF-8;
            // the line and paragraph separators would split lines in some readers.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }

  /** A recursive-descent parser over one text; one instance per parse. */
  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    Object document() {
      skipSpace();
      Object value = value(0);
      skipSpace();
      if (at < text.length()) {
        throw error("unexpected text after the value");
      }
      return value;
    }

    private Object value(int depth) {
      if (depth > DEPTH_MAX) {
        throw error("nested deeper than " + DEPTH_MAX);
      }
      if (at >= text.length()) {
        throw error("unexpected end of text, expected a value");
      }
      char c = text.charAt(at);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("unexpected character " + describe(c) + ", expected a value");
      }
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> map = new LinkedHashMap<>();
      at++; // '{'
      skipSpace();
      if (peek() == '}') {
        at++;
        return map;
      }
      while (true) {
        skipSpace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        int keyAt = at;
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        Object value = value(depth + 1);
        if (map.containsKey(key)) {
          at = keyAt;
          throw error("duplicate key \"" + key + "\"");
        }
        map.put(key, value);
        skipSpace();
        if (peek() == ',') {
          at++;
        } else {
          expect('}');
          return map;
        }
      }
    }

    private List<Object> array(int depth) {
      List<Object> list = new ArrayList<>();
      at++; // '['
      skipSpace();
      if (peek() == ']') {
        at++;
        return list;
      }
      while (true) {
        skipSpace();
        list.add(value(depth + 1));
        skipSpace();
        if (peek() == ',') {
          at++;
        } else {
          expect(']');
          return list;
        }
      }
    }

    private String string() {
      at++; // '"'
      StringBuilder out = new StringBuilder();
      while (true) {
        if (at >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(at);
        if (c == '"') {
          at++;
          return out.toString();
        }
        if (c < 0x20) {
          throw error("raw control character " + describe(c) + " in a string");
        }
        if (c == '\\') {
          out.append(escape());
        } else {
          out.append(c);
          at++;
        }
      }
    }

    private char escape() {
      at++; // '\'
      if (at >= text.length()) {
        throw error("unterminated escape");
      }
      char c = text.charAt(at++);
      switch (c) {
        case '"':
        case '\\':
        case '/':
          return c;
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'u':
          return unicodeEscape();
        default:
          at--;
          throw error("invalid escape \\" + describe(c));
      }
    }

    private char unicodeEscape() {
      if (at + 4 > text.length()) {
        throw error("truncated \\u escape");
      }
      int code = 0;
      for (int i = 0; i < 4; i++) {
        int digit = Character.digit(text.charAt(at), 16);
        if (digit < 0) {
          throw error("invalid hex digit in a \\u escape");
        }
        code = code * 16 + digit;
        at++;
      }
      return (char) code;
    }

    private Long number() {
      int start = at;
      if (peek() == '-') {
        at++;
      }
      if (peek() == '0') {
        at++;
      } else if (peek() >= '1' && peek() <= '9') {
        while (peek() >= '0' && peek() <= '9') {
          at++;
        }
      } else {
        throw error("expected a digit");
      }
      char next = peek();
      if (next == '.' || next == 'e' || next == 'E') {
        throw error("only integers are used here, found a fraction or an exponent");
      }
      if (next >= '0' && next <= '9') {
        throw error("a number must not have a leading zero");
      }
      try {
        return Long.parseLong(text.substring(start, at));
      } catch (NumberFormatException e) {
        at = start;
        throw error("the number does not fit in 64 bits");
      }
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, at)) {
        throw error("unexpected word, expected " + word);
      }
      at += word.length();
      return value;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error(at >= text.length() ? "unexpected end of text, expected '" + c + "'"
            : "unexpected character " + describe(peek()) + ", expected '" + c + "'");
      }
      at++;
    }

    /** The next character, or NUL at the end (never valid where a peek matters). */
    private char peek() {
      return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
      while (at < text.length()) {
        char c = text.charAt(at);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        at++;
      }
    }

    private JsonException error(String why) {
      return new JsonException("at character " + (at + 1) + ": " + why);
    }

    private static String describe(char c) {
      return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
  }
}
