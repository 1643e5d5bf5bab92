package dev.sequent.chaos.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed JSON object read as a record: each getter demands the field and its type, and {@link
 * #allowOnly} refuses fields nobody reads, so a typo in a file is an error, not a silent default.
 * Every message names the field by its path from the top ({@code $.value.from.account}).
 */
public final class JsonObject {
  private final Map<?, ?> fields;
  private final String path;

  private JsonObject(Map<?, ?> fields, String path) {
    this.fields = fields;
    this.path = path;
  }

  /** The value as an object at {@code path}, or an error naming what it was instead. */
  public static JsonObject of(Object value, String path) {
    if (!(value instanceof Map)) {
      throw new JsonException(path + ": expected an object, found " + Json.typeOf(value));
    }
    return new JsonObject((Map<?, ?>) value, path);
  }

  /** Refuses any field not named here. */
  public JsonObject allowOnly(String... names) {
    Set<String> allowed = Set.of(names);
    Set<String> unknown = new TreeSet<>();
    for (Object key : fields.keySet()) {
      if (!allowed.contains(key)) {
        unknown.add(String.valueOf(key));
      }
    }
    if (!unknown.isEmpty()) {
      throw new JsonException(path + ": unknown field(s) " + unknown + ", expected only "
          + new TreeSet<>(Arrays.asList(names)));
    }
    return this;
  }

  public boolean has(String name) {
    return fields.containsKey(name);
  }

  public String string(String name) {
    return (String) typed(name, String.class, "a string");
  }

  /** The string field, or {@code otherwise} when the field is absent. */
  public String string(String name, String otherwise) {
    return has(name) ? string(name) : otherwise;
  }

  public long longValue(String name) {
    return (Long) typed(name, Long.class, "a number");
  }

  public int intValue(String name) {
    long value = longValue(name);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new JsonException(path + "." + name + ": " + value + " does not fit in 32 bits");
    }
    return (int) value;
  }

  public boolean bool(String name) {
    return (Boolean) typed(name, Boolean.class, "a boolean");
  }

  public JsonObject object(String name) {
    return of(required(name), path + "." + name);
  }

  /** The array field's elements (each still to be checked by the caller). */
  public List<Object> array(String name) {
    List<?> list = (List<?>) typed(name, List.class, "an array");
    return new ArrayList<>(list);
  }

  /** The array field, each element read as an object. */
  public List<JsonObject> objects(String name) {
    List<Object> list = array(name);
    List<JsonObject> objects = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      objects.add(of(list.get(i), path + "." + name + "[" + i + "]"));
    }
    return objects;
  }

  /** The names of the fields, in file order. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    fields.keySet().forEach(key -> names.add(String.valueOf(key)));
    return names;
  }

  /** The path of a field, for a caller's own messages. */
  public String pathOf(String name) {
    return path + "." + name;
  }

  /**
   * The enum constant named by a string field, case-insensitively (files use lower case).
   */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String text = string(name);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(text)) {
        return constant;
      }
    }
    throw new JsonException(path + "." + name + ": unknown value \"" + text + "\", expected one of "
        + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  private Object required(String name) {
    if (!fields.containsKey(name)) {
      throw new JsonException(path + ": missing field \"" + name + "\"");
    }
    return fields.get(name);
  }

  private Object typed(String name, Class<?> type, String what) {
    Object value = required(name);
    if (!type.isInstance(value)) {
      throw new JsonException(path + "." + name + ": expected " + what + ", found "
          + Json.typeOf(value));
    }
    return value;
  }
}
